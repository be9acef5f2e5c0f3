import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Emitter, type Event } from '../events';
import { base64ToUuid, toLocalId as localIdOf, uuidToBase64, uuidv7 } from '../ids';
import type { Logger } from '../logger';
import { memberDefinition, type MemberRecord, type MemberRole } from '../models/member';
import { Team, teamDefinition, remoteTeamSchema } from '../models/team';
import type { Store } from '../store';
import { forgetLocalTeam } from '../sync/pull';
import { MAX_LIST_LIMIT, type TrailBaseClient } from '../trailbase';
import type { ConnectionState } from './connection';
import { fetchMembers, localMember, localMembers, remoteMember, replaceMembers, saveMember, type RemoteMemberRow } from './memberRows';
import { isBadRequest, isOffline, lastOwner, refusal, TeamError } from './teamErrors';

/** The part of `ConnectionService` the team features use. */
export interface TeamConnection {
  readonly state: ConnectionState;
  readonly onDidChange: Event<ConnectionState>;
  setActiveTeam(teamId: string | undefined): Promise<void>;
}

export interface TeamServiceOptions {
  store: Store;
  connection: TeamConnection;
  logger: Logger;
}

/** A team the user belongs to, with their role in it. Ids are the local (hyphenated UUID) spelling. */
export interface TeamSummary {
  id: string;
  name: string;
  inviteCode: string;
  role: MemberRole;
  active: boolean;
}

/** Whom a role change or removal is about: a membership id or a user id, either spelling. */
export interface MemberTarget {
  teamId?: string;
  memberId?: string;
  userId?: string;
}

export type MembersSource = 'server' | 'local';

const ROLE_NAMES: Record<string, MemberRole> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const remoteRoles = { Owner: 'owner', Admin: 'admin', Member: 'member' } as const satisfies Record<MemberRole, string>;

const joinRequestRow = z.object({ team: z.string().nullable() });

/**
 * Creating, joining, leaving and switching teams, and managing members. Every server change is written
 * to the local tables at once (the same rows a sync pull writes), so views update without waiting for
 * the next sync. The server's rules decide who may do what; its refusals come back as `TeamError`s.
 */
export class TeamService {
  private readonly changes = new Emitter<void>();
  /** Fires after this service changed the local team tables or the active team. */
  readonly onDidChange: Event<void> = this.changes.event;
  /** Memberships whose email was already asked for, so a server without emails is not asked again. */
  private readonly emailsAsked = new Set<string>();

  constructor(private readonly o: TeamServiceOptions) {}

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
    await this.refreshTeam(client, id);
    return this.activate(id);
  }

  async joinTeam(inviteCode: string): Promise<TeamSummary> {
    const code = inviteCode.trim();
    if (code.length < 12 || code.length > 64 || /\s/.test(code)) {
      throw new TeamError('wrong-code', 'An invite code is 12 to 64 characters without spaces. Copy it again from whoever invited you.');
    }
    const { client } = this.session();
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
    await this.refreshTeam(client, teamId);
    return this.activate(teamId);
  }

  /** The invite code, fresh from the server when it can be reached, else the local copy. */
  async inviteCode(teamId?: string): Promise<{ teamId: string; inviteCode: string }> {
    const id = this.teamOf(teamId);
    const s = this.o.connection.state;
    if (s.status === 'connected') {
      try {
        await this.refreshTeam(s.client, id);
      } catch (err) {
        if (!isOffline(err)) throw err;
      }
    }
    return { teamId: id, inviteCode: this.summary(id).inviteCode };
  }

  /** Owners and admins only: a new code, after which the old one no longer lets anyone join. */
  async rotateInviteCode(teamId?: string): Promise<{ teamId: string; inviteCode: string }> {
    const { client } = this.session();
    const id = this.teamOf(teamId);
    const name = this.teamName(id);
    const code = randomBytes(12).toString('hex');
    try {
      await client.records('teams', z.unknown()).update(uuidToBase64(id), { invite_code: code });
    } catch (err) {
      throw refusal(err, `Only owners and admins of "${name}" can rotate its invite code. Ask one of them, or share the current code.`);
    }
    await this.refreshTeam(client, id);
    this.changes.fire();
    return { teamId: id, inviteCode: code };
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
    const teams = await client.records('teams', remoteTeamSchema).list({ limit: MAX_LIST_LIMIT });
    const mine = await client.records('members', remoteMember).list({ where: { user: uuidToBase64(me) }, limit: MAX_LIST_LIMIT });
    await this.o.store.write((db) => {
      for (const t of teams.records) teamDefinition.save(db, Team.fromRemote(t));
      for (const m of mine.records) saveMember(db, m);
    });
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
  async changeMemberRole(target: MemberTarget, role: string): Promise<MemberRecord> {
    const newRole = ROLE_NAMES[role.toLowerCase()];
    if (!newRole) throw new TeamError('bad-input', `"${role}" is not a role. Choose owner, admin or member.`);
    const { client, me } = this.session();
    const { teamId, member } = await this.findMember(client, target);
    if (base64ToUuid(member.user) === me) {
      throw new TeamError('self', 'Nobody can change their own role: ask another owner (or an admin, for admin and member roles).');
    }
    const name = this.teamName(teamId);
    try {
      await client.records('members', z.unknown()).update(member.id, { role: remoteRoles[newRole] });
    } catch (err) {
      throw refusal(
        err,
        `Your role in "${name}" does not allow this change. Owners change any role; admins change members' and admins' roles but cannot make anyone owner or change an owner. Ask an owner.`,
      );
    }
    const updated = await client.records('members', remoteMember).read(member.id);
    await this.o.store.write((db) => saveMember(db, updated));
    this.changes.fire();
    return localMember(this.o.store, base64ToUuid(member.id));
  }

  /** Owners remove anyone else, admins remove members and admins; leaving yourself is `leaveTeam`. */
  async removeMember(target: MemberTarget): Promise<MemberRecord> {
    const { client, me } = this.session();
    const { teamId, member } = await this.findMember(client, target);
    if (base64ToUuid(member.user) === me) throw new TeamError('self', 'To leave the team yourself, use FocusFlow: Leave Team.');
    const removed = localMember(this.o.store, base64ToUuid(member.id));
    const name = this.teamName(teamId);
    try {
      await client.records('members', z.unknown()).delete(member.id);
    } catch (err) {
      throw refusal(err, `Your role in "${name}" does not allow removing ${removed.email ?? 'this member'}. Owners remove anyone; admins remove members and admins. Ask an owner.`);
    }
    await this.o.store.write((db) => memberDefinition.remove(db, removed.id));
    this.changes.fire();
    return removed;
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

  /**
   * Sync pulls memberships without emails when the server kit predates them, or keeps the email this
   * client knew. Asks the server once for members of the user's teams still shown without one.
   */
  async fillMissingEmails(): Promise<number> {
    const s = this.o.connection.state;
    if (s.status !== 'connected') return 0;
    const teamIds = this.teams().map((t) => t.id);
    const missing = this.o.store.read((db) =>
      teamIds.flatMap((team) => db.all<{ id: string; team_id: string }>('SELECT id, team_id FROM members WHERE team_id = ? AND email IS NULL', [team])),
    );
    const toAsk = missing.filter((m) => !this.emailsAsked.has(m.id));
    if (toAsk.length === 0) return 0;
    for (const m of toAsk) this.emailsAsked.add(m.id);
    let filled = 0;
    for (const team of new Set(toAsk.map((m) => m.team_id))) {
      const rows = await fetchMembers(s.client, team);
      filled += rows.filter((r) => r.email && toAsk.some((m) => m.id === base64ToUuid(r.id))).length;
      await this.saveMembers(team, rows);
    }
    if (filled > 0) this.changes.fire();
    return filled;
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

  /** Reads the team and its members from the server into the local tables. */
  private async refreshTeam(client: TrailBaseClient, teamId: string): Promise<void> {
    let team;
    try {
      team = await client.records('teams', remoteTeamSchema).read(uuidToBase64(teamId));
    } catch (err) {
      throw refusal(err, 'You are not a member of that team (any more). Join it with its invite code (FocusFlow: Join Team).', 'no-team');
    }
    const members = await fetchMembers(client, teamId);
    await this.o.store.write((db) => {
      teamDefinition.save(db, Team.fromRemote(team));
      replaceMembers(db, teamId, members);
    });
  }

  private saveMembers(teamId: string, rows: readonly RemoteMemberRow[]): Promise<void> {
    return this.o.store.write((db) => replaceMembers(db, teamId, rows));
  }

  private async findMember(client: TrailBaseClient, target: MemberTarget): Promise<{ teamId: string; member: RemoteMemberRow }> {
    const teamId = target.memberId && target.teamId === undefined ? this.teamOfMember(target.memberId) : this.teamOf(target.teamId);
    const rows = await fetchMembers(client, teamId);
    await this.saveMembers(teamId, rows);
    const memberId = target.memberId === undefined ? undefined : toLocalId(target.memberId);
    const userId = target.userId === undefined ? undefined : toLocalId(target.userId);
    if (memberId === undefined && userId === undefined) throw new TeamError('bad-input', 'Say which member: pass memberId or userId.');
    const member = rows.find((r) => (memberId === undefined || base64ToUuid(r.id) === memberId) && (userId === undefined || base64ToUuid(r.user) === userId));
    if (!member) throw new TeamError('not-found', `That person is not a member of "${this.teamName(teamId)}" (any more). The Team view shows who is.`);
    return { teamId, member };
  }

  /** A membership names its team; fall back to the active team when it is not known locally. */
  private teamOfMember(memberId: string): string {
    const row = this.o.store.read((db) => db.get<{ team_id: string }>('SELECT team_id FROM members WHERE id = ?', [toLocalId(memberId)]));
    return row?.team_id ?? this.teamOf(undefined);
  }

  /** Local copies of a team the user left go away, as a sync pull would do; the active team moves on. */
  private async forgetTeam(teamId: string): Promise<void> {
    await this.o.store.write((db) => forgetLocalTeam(db, teamId));
    if (this.activeTeamId === teamId) await this.o.connection.setActiveTeam(this.teams()[0]?.id);
    this.changes.fire();
  }
}

/** Local ids are hyphenated UUIDs; TrailBase's base64 spelling is accepted too. */
export function toLocalId(id: string): string {
  try {
    return localIdOf(id);
  } catch {
    throw new TeamError('bad-input', `"${id}" is not a FocusFlow id.`);
  }
}

