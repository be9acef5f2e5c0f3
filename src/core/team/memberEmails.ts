import { base64ToUuid } from '../ids';
import { fetchMembers } from './memberRows';
import type { TeamContext } from './teamContext';

/**
 * Sync pulls memberships without emails when the server kit predates them, or keeps the email this
 * client knew. This asks the server once for members of the user's teams still shown without one.
 */
export class MemberEmails {
  /** Memberships whose email was already asked for, so a server without emails is not asked again. */
  private readonly asked = new Set<string>();

  constructor(private readonly t: TeamContext) {}

  /** Returns how many emails arrived. */
  async fillMissing(): Promise<number> {
    const client = this.t.connectedClient();
    if (!client) return 0;
    const teamIds = this.t.teamIds();
    const missing = this.t.store.read((db) =>
      teamIds.flatMap((team) => db.all<{ id: string; team_id: string }>('SELECT id, team_id FROM members WHERE team_id = ? AND email IS NULL', [team])),
    );
    const toAsk = missing.filter((m) => !this.asked.has(m.id));
    if (toAsk.length === 0) return 0;
    for (const m of toAsk) this.asked.add(m.id);
    let filled = 0;
    for (const team of new Set(toAsk.map((m) => m.team_id))) {
      const rows = await fetchMembers(client, team);
      filled += rows.filter((r) => r.email && toAsk.some((m) => m.id === base64ToUuid(r.id))).length;
      await this.t.saveMembers(team, rows);
    }
    if (filled > 0) this.t.changed();
    return filled;
  }
}
