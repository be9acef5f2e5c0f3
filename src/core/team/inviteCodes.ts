import { z } from 'zod';
import { randomBytes, toHex } from '../bytes';
import { base64ToUuid, uuidToBase64, uuidv7 } from '../ids';
import type { TeamContext } from './teamContext';
import { isBadRequest, isOffline, refusal, TeamError } from './teamErrors';
import { refreshTeamRows } from './teamRows';

const joinRequestRow = z.object({ team: z.string().nullable() });

/** Joining a team by its invite code, reading the current code, and rotating it. */
export class InviteCodes {
  constructor(private readonly t: TeamContext) {}

  /** Joins the team whose code this is and returns its local id; an unknown code is a `wrong-code` error. */
  async join(inviteCode: string): Promise<string> {
    const code = inviteCode.trim();
    if (code.length < 12 || code.length > 64 || /\s/.test(code)) {
      throw new TeamError('wrong-code', 'An invite code is 12 to 64 characters without spaces. Copy it again from whoever invited you.');
    }
    const { client } = this.t.session();
    const requestId = uuidToBase64(uuidv7());
    try {
      await client.records('join_requests', z.unknown()).create({ id: requestId, invite_code: code });
    } catch (err) {
      // The kit's trigger refuses an unknown code, which TrailBase answers as a 400.
      if (isBadRequest(err)) {
        throw new TeamError('wrong-code', `No team has the invite code "${code}". Check it with whoever invited you: codes change when an owner or admin rotates them.`);
      }
      throw err;
    }
    const request = await client.records('join_requests', joinRequestRow).read(requestId);
    if (!request.team) throw new TeamError('wrong-code', `No team has the invite code "${code}". Ask whoever invited you for the current code.`);
    const teamId = base64ToUuid(request.team);
    await refreshTeamRows(this.t.store, client, teamId);
    return teamId;
  }

  /** Brings the team's row (and so its code) up to date when the server can be reached; returns the team's id. */
  async refresh(teamId?: string): Promise<string> {
    const id = this.t.teamOf(teamId);
    const client = this.t.connectedClient();
    if (client) {
      try {
        await refreshTeamRows(this.t.store, client, id);
      } catch (err) {
        if (!isOffline(err)) throw err;
      }
    }
    return id;
  }

  /** Owners and admins only: a new code, after which the old one no longer lets anyone join. */
  async rotate(teamId?: string): Promise<{ teamId: string; inviteCode: string }> {
    const { client } = this.t.session();
    const id = this.t.teamOf(teamId);
    const name = this.t.teamName(id);
    const code = toHex(randomBytes(12));
    try {
      await client.records('teams', z.unknown()).update(uuidToBase64(id), { invite_code: code });
    } catch (err) {
      throw refusal(err, `Only owners and admins of "${name}" can rotate its invite code. Ask one of them, or share the current code.`);
    }
    await refreshTeamRows(this.t.store, client, id);
    this.t.changed();
    return { teamId: id, inviteCode: code };
  }
}
