import { z } from 'zod';
import { base64ToUuid } from '../ids';
import { memberDefinition, type MemberRecord, type MemberRole } from '../models/member';
import type { TrailBaseClient } from '../trailbase';
import { fetchMembers, localMember, remoteMember, saveMember, type RemoteMemberRow } from './memberRows';
import { toLocalId, type TeamContext } from './teamContext';
import { refusal, TeamError } from './teamErrors';

/** Whom a role change or removal is about: a membership id or a user id, either spelling. */
export interface MemberTarget {
  teamId?: string;
  memberId?: string;
  userId?: string;
}

const ROLE_NAMES: Record<string, MemberRole> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const remoteRoles = { Owner: 'owner', Admin: 'admin', Member: 'member' } as const satisfies Record<MemberRole, string>;

/** Changing members' roles and removing members: owners and admins only, and the server has the last word. */
export class MemberAdmin {
  constructor(private readonly t: TeamContext) {}

  /** Owners and admins only (and admins never to or from owner). */
  async changeMemberRole(target: MemberTarget, role: string): Promise<MemberRecord> {
    const newRole = ROLE_NAMES[role.toLowerCase()];
    if (!newRole) throw new TeamError('bad-input', `"${role}" is not a role. Choose owner, admin or member.`);
    const { client, me } = this.t.session();
    const { teamId, member } = await this.findMember(client, target);
    if (base64ToUuid(member.user) === me) {
      throw new TeamError('self', 'Nobody can change their own role: ask another owner (or an admin, for admin and member roles).');
    }
    const name = this.t.teamName(teamId);
    try {
      await client.records('members', z.unknown()).update(member.id, { role: remoteRoles[newRole] });
    } catch (err) {
      throw refusal(
        err,
        `Your role in "${name}" does not allow this change. Owners change any role; admins change members' and admins' roles but cannot make anyone owner or change an owner. Ask an owner.`,
      );
    }
    const updated = await client.records('members', remoteMember).read(member.id);
    await this.t.store.write((db) => saveMember(db, updated));
    this.t.changed();
    return localMember(this.t.store, base64ToUuid(member.id));
  }

  /** Owners remove anyone else, admins remove members and admins; leaving yourself is `leaveTeam`. */
  async removeMember(target: MemberTarget): Promise<MemberRecord> {
    const { client, me } = this.t.session();
    const { teamId, member } = await this.findMember(client, target);
    if (base64ToUuid(member.user) === me) throw new TeamError('self', 'To leave the team yourself, use FocusFlow: Leave Team.');
    const removed = localMember(this.t.store, base64ToUuid(member.id));
    const name = this.t.teamName(teamId);
    try {
      await client.records('members', z.unknown()).delete(member.id);
    } catch (err) {
      throw refusal(err, `Your role in "${name}" does not allow removing ${removed.email ?? 'this member'}. Owners remove anyone; admins remove members and admins. Ask an owner.`);
    }
    await this.t.store.write((db) => memberDefinition.remove(db, removed.id));
    this.t.changed();
    return removed;
  }

  private async findMember(client: TrailBaseClient, target: MemberTarget): Promise<{ teamId: string; member: RemoteMemberRow }> {
    const teamId = target.memberId && target.teamId === undefined ? this.teamOfMember(target.memberId) : this.t.teamOf(target.teamId);
    const rows = await fetchMembers(client, teamId);
    await this.t.saveMembers(teamId, rows);
    const memberId = target.memberId === undefined ? undefined : toLocalId(target.memberId);
    const userId = target.userId === undefined ? undefined : toLocalId(target.userId);
    if (memberId === undefined && userId === undefined) throw new TeamError('bad-input', 'Say which member: pass memberId or userId.');
    const member = rows.find((r) => (memberId === undefined || base64ToUuid(r.id) === memberId) && (userId === undefined || base64ToUuid(r.user) === userId));
    if (!member) throw new TeamError('not-found', `That person is not a member of "${this.t.teamName(teamId)}" (any more). The Team view shows who is.`);
    return { teamId, member };
  }

  /** A membership names its team; fall back to the active team when it is not known locally. */
  private teamOfMember(memberId: string): string {
    const row = this.t.store.read((db) => db.get<{ team_id: string }>('SELECT team_id FROM members WHERE id = ?', [toLocalId(memberId)]));
    return row?.team_id ?? this.t.teamOf(undefined);
  }
}
