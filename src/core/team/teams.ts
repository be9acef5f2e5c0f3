import { z } from 'zod';
import { Emitter, type Event } from '../events';
import { base64ToUuid, uuidToBase64, uuidv7 } from '../ids';
import type { MemberRecord, MemberRole } from '../models/member';
import { forgetLocalTeam } from '../sync/pull';
import type { TrailBaseClient } from '../trailbase';
import { InviteCodes } from './inviteCodes';
import { MemberAdmin, type MemberTarget } from './memberAdmin';
import { MemberEmails } from './memberEmails';
import { fetchMembers, localMembers, replaceMembers, type RemoteMemberRow } from './memberRows';
import { toLocalId, type TeamContext } from './teamContext';
import { isBadRequest, isOffline, lastOwner, TeamError } from './teamErrors';
import { refreshTeamRows, saveMyTeamRows } from './teamRows';
import type { MembersSource, TeamServiceOptions, TeamSummary } from './teamTypes';

export type { MembersSource, TeamConnection, TeamServiceOptions, TeamSummary } from './teamTypes';
export type { MemberTarget } from './memberAdmin';
export { toLocalId } from './teamContext';

/**
 * Creating, joining, leaving and switching teams, and managing members. Every server change is written
 * to the local tables at once (the same rows a sync pull writes), so views update without waiting for
 * the next sync. The server's rules decide who may do what; its refusals come back as `TeamError`s.
 */
export class TeamService {
  private readonly changes = new Emitter<void>();
  /** Fires after this service changed the local team tables or the active team. */
  readonly onDidChange: Event<void> = this.changes.event;
  private readonly admin: MemberAdmin;
  private readonly emails: MemberEmails;
  private readonly codes: InviteCodes;

  constructor(private readonly o: TeamServiceOptions) {
    const context: TeamContext = {
      store: o.store,
      session: () => this.session(),
      teamOf: (teamId) => this.teamOf(teamId),
      teamName: (teamId) => this.teamName(teamId),
      connectedClient: () => (this.o.connection.state.status === 'connected' ? this.o.connection.state.client : undefined),
      teamIds: () => this.teams().map((t) => t.id),
      saveMembers: (teamId, rows) => this.saveMembers(teamId, rows),
      changed: () => this.changes.fire(),
    };
    this.admin = new MemberAdmin(context);
    this.emails = new MemberEmails(context);
    this.codes = new InviteCodes(context);
  }

  /** The signed-in user's local id, or undefined when not connected. */
  get userId(): string | undefined {
    const s = this.o.connection.state;
    return s.status === 'connected' ? toLocalId(s.connection.userId) : undefined;
  }

  /** The active team's local id, or undefined. */
  get activeTeamId(): string | undefined {
    const s = this.o.connection.state;
    return s.status === 'connected' && s.connection.teamId ? toLocalId(s.connection.teamId) : undefined;
  }

  /** The user's teams as the local tables know them, the active one first. */
  teams(): TeamSummary[] {
    const me = this.userId;
    if (!me) return [];
    const active = this.activeTeamId;
    const rows = this.o.store.read((db) =>
      db.all<{ id: string; name: string; invite_code: string; role: MemberRole }>(
        `SELECT t.id, t.name, t.invite_code, m.role FROM teams t JOIN members m ON m.team_id = t.id AND m.user_id = ?
         ORDER BY t.name COLLATE NOCASE, t.id`,
        [me],
      ),
    );
    const teams = rows.map((r) => ({ id: r.id, name: r.name, inviteCode: r.invite_code, role: r.role, active: r.id === active }));
    return [...teams.filter((t) => t.active), ...teams.filter((t) => !t.active)];
  }

  async createTeam(name: string): Promise<TeamSummary> {
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 100) throw new TeamError('bad-input', 'A team name has 1 to 100 characters. Choose another name.');
    const { client, me } = this.session();
    const id = uuidv7();
    // The client-chosen id makes a retried create land on the same team; a trigger makes us its owner.
    await client.records('teams', z.unknown()).create({ id: uuidToBase64(id), name: clean, created_by: uuidToBase64(me) });
    await refreshTeamRows(this.o.store, client, id);
    return this.activate(id);
  }

  async joinTeam(inviteCode: string): Promise<TeamSummary> {
    return this.activate(await this.codes.join(inviteCode));
  }

  /** The invite code, fresh from the server when it can be reached, else the local copy. */
  async inviteCode(teamId?: string): Promise<{ teamId: string; inviteCode: string }> {
    const id = await this.codes.refresh(teamId);
    return { teamId: id, inviteCode: this.summary(id).inviteCode };
  }

  /** Owners and admins only: a new code, after which the old one no longer lets anyone join. */
  rotateInviteCode(teamId?: string): Promise<{ teamId: string; inviteCode: string }> {
    return this.codes.rotate(teamId);
  }

  /** Leaves the team; the last owner is refused, since a team always keeps an owner. */
  async leaveTeam(teamId?: string): Promise<{ teamId: string; name: string; activeTeamId: string | undefined }> {
    const { client, me } = this.session();
    const id = this.teamOf(teamId);
    const name = this.teamName(id);
    const members = await fetchMembers(client, id);
    const mine = members.find((m) => base64ToUuid(m.user) === me);
    if (mine) {
      const owners = members.filter((m) => m.role === 'owner').length;
      if (mine.role === 'owner' && owners === 1) throw lastOwner(name, members.length > 1, id);
      try {
        await client.records('members', z.unknown()).delete(mine.id);
      } catch (err) {
        if (isBadRequest(err)) throw lastOwner(name, members.length > 1, id);
        throw err;
      }
    }
    await this.forgetTeam(id);
    return { teamId: id, name, activeTeamId: this.activeTeamId };
  }

  /** Makes one of the user's teams the active one (asking the server when the local copy lacks it). */
  async switchTeam(teamId: string): Promise<TeamSummary> {
    const id = toLocalId(teamId);
    if (!this.teams().some((t) => t.id === id)) {
      await this.refreshMyTeams();
      if (!this.teams().some((t) => t.id === id)) {
        throw new TeamError('no-team', 'You are not a member of that team. Join it with its invite code (FocusFlow: Join Team).');
      }
    }
    return this.activate(id);
  }

  /** The teams the server says the user belongs to, saved locally (two requests). */
  async refreshMyTeams(): Promise<TeamSummary[]> {
    const { client, me } = this.session();
    await saveMyTeamRows(this.o.store, client, me);
    this.changes.fire();
    return this.teams();
  }

  /** The team's members: fresh from the server when it can be reached, else the local copy. */
  async members(teamId?: string): Promise<{ members: MemberRecord[]; source: MembersSource }> {
    const id = this.teamOf(teamId);
    const s = this.o.connection.state;
    if (s.status === 'connected') {
      try {
        await this.saveMembers(id, await fetchMembers(s.client, id));
        this.changes.fire();
        return { members: localMembers(this.o.store, id), source: 'server' };
      } catch (err) {
        if (!isOffline(err)) throw err;
        this.o.logger.info(`Team server unreachable; showing the members known locally (${(err as Error).message}).`);
      }
    }
    return { members: localMembers(this.o.store, id), source: 'local' };
  }

  /** Owners and admins only (and admins never to or from owner); the server has the last word. */
  changeMemberRole(target: MemberTarget, role: string): Promise<MemberRecord> {
    return this.admin.changeMemberRole(target, role);
  }

  /** Owners remove anyone else, admins remove members and admins; leaving yourself is `leaveTeam`. */
  removeMember(target: MemberTarget): Promise<MemberRecord> {
    return this.admin.removeMember(target);
  }

  /**
   * Sync pulls memberships without emails when the server kit predates them, or keeps the email this
   * client knew. Asks the server once for members of the user's teams still shown without one.
   */
  fillMissingEmails(): Promise<number> {
    return this.emails.fillMissing();
  }

  /**
   * Right after signing in: the user's teams from the server and, when they are in any, an active team
   * among them, so the connection is usable when connecting resolves. Returns the active team's local
   * id. A server that lists nothing right now leaves the local state (the next sync pull tries again).
   */
  async loadAfterSignIn(): Promise<string | undefined> {
    try {
      await this.refreshMyTeams();
      await this.keepActiveTeamCurrent();
    } catch (err) {
      this.o.logger.warn(`Signed in, but could not load your teams yet: ${(err as Error).message}. The next sync tries again.`);
    }
    return this.activeTeamId;
  }

  /**
   * Runs after each pull. Someone who connects while already in teams (joined on another machine) has
   * none active yet, and someone removed from their active team elsewhere (or whose team was deleted)
   * has one the pull just forgot: either way the first team they are in becomes active, or none, so
   * views and shares never point at a team they cannot use.
   */
  async keepActiveTeamCurrent(): Promise<void> {
    const active = this.activeTeamId;
    let teams = this.teams();
    if (active && teams.some((t) => t.id === active)) return;
    if (active) {
      // Gone locally, but a pull that began before a join or create in this window forgets that team
      // too: only the server can say the user left it. Unreachable, nothing moves.
      const fresh = await this.refreshMyTeams().catch(() => undefined);
      if (!fresh || fresh.some((t) => t.id === active)) return;
      teams = fresh;
    }
    const next = teams[0]?.id;
    if (next !== active) await this.o.connection.setActiveTeam(next);
  }

  dispose(): void {
    this.changes.dispose();
  }

  private session(): { client: TrailBaseClient; me: string } {
    const s = this.o.connection.state;
    if (s.status === 'connected') return { client: s.client, me: toLocalId(s.connection.userId) };
    if (s.status === 'signed-out') throw new TeamError('not-connected', s.reason);
    if (s.status === 'restoring') throw new TeamError('not-connected', 'FocusFlow is still signing back in to your team server. Try again in a moment.');
    throw new TeamError('not-connected', 'Connect to your team server first (FocusFlow: Connect to Team Server).');
  }

  /** The named team (either id spelling) or the active one; refuses with the next step when there is none. */
  teamOf(teamId: string | undefined): string {
    if (teamId !== undefined) return toLocalId(teamId);
    const active = this.activeTeamId;
    if (active) return active;
    if (this.o.connection.state.status !== 'connected') this.session();
    throw new TeamError('no-team', 'You are not in a team yet. Create one (FocusFlow: Create Team) or join one with an invite code (FocusFlow: Join Team).');
  }

  private teamName(teamId: string): string {
    return this.o.store.read((db) => db.get<{ name: string }>('SELECT name FROM teams WHERE id = ?', [teamId]))?.name ?? 'this team';
  }

  private summary(teamId: string): TeamSummary {
    const team = this.teams().find((t) => t.id === teamId);
    if (!team) throw new TeamError('no-team', 'You are not a member of that team. Join it with its invite code (FocusFlow: Join Team).');
    return team;
  }

  /** The sync engine follows the active team: changing it starts a pull of that team's history. */
  private async activate(teamId: string): Promise<TeamSummary> {
    await this.o.connection.setActiveTeam(teamId);
    this.changes.fire();
    return this.summary(teamId);
  }

  private saveMembers(teamId: string, rows: readonly RemoteMemberRow[]): Promise<void> {
    return this.o.store.write((db) => replaceMembers(db, teamId, rows));
  }

  /** Local copies of a team the user left go away, as a sync pull would do; the active team moves on. */
  private async forgetTeam(teamId: string): Promise<void> {
    await this.o.store.write((db) => forgetLocalTeam(db, teamId));
    if (this.activeTeamId === teamId) await this.o.connection.setActiveTeam(this.teams()[0]?.id);
    this.changes.fire();
  }
}
