import type { MemberRole } from '../models/member';
import type { SqlDb } from '../store';

/**
 * What the Team view shows, read from the local tables only (sync keeps them current): the user's
 * teams, each team's members, each member's recent shared sessions. Field names match the team
 * commands' arguments, so a node passed to a command from a context menu is already its argument.
 */
export interface TeamNode {
  kind: 'team';
  teamId: string;
  name: string;
  role: MemberRole;
  active: boolean;
  memberCount: number;
}

export interface MemberNode {
  kind: 'member';
  teamId: string;
  memberId: string;
  userId: string;
  email: string | null;
  role: MemberRole;
  /** The viewer's own membership. */
  isYou: boolean;
  /** What the viewer may do to this membership, mirroring the server kit's rules. */
  manageable: boolean;
  /** End (or start) of the member's newest shared session, ISO; undefined when none. */
  lastActive?: string;
  /** Epoch ms their running focus session ends, when they share presence and are focusing now. */
  focusingUntil?: number;
  sessionCount: number;
}

export interface SessionNode {
  kind: 'session';
  teamId: string;
  memberId: string;
  sessionId: string;
  startTime: string;
  endTime: string | null;
  actualSeconds: number | null;
  plannedMinutes: number;
  completed: boolean;
}

export type TeamTreeNode = TeamNode | MemberNode | SessionNode;

export interface TeamViewer {
  /** The signed-in user's local id. */
  userId: string;
  activeTeamId?: string;
}

/** Sessions listed under a member: enough to see a rhythm, few enough to scan. */
export const RECENT_SESSIONS = 10;

const ROLE_ORDER = `CASE m.role WHEN 'Owner' THEN 0 WHEN 'Admin' THEN 1 ELSE 2 END`;

/** Whether `viewer` may change the role of or remove `target` (the kit's members update/delete rules). */
export function mayManage(viewer: MemberRole, target: MemberRole, isSelf: boolean): boolean {
  if (isSelf) return false;
  if (viewer === 'Owner') return true;
  return viewer === 'Admin' && target !== 'Owner';
}

/** Roles `viewer` may give `target` (admins never make owners); empty when they may not manage them. */
export function assignableRoles(viewer: MemberRole, target: MemberRole, isSelf: boolean): MemberRole[] {
  if (!mayManage(viewer, target, isSelf)) return [];
  return viewer === 'Owner' ? ['Owner', 'Admin', 'Member'] : ['Admin', 'Member'];
}

/** The viewer's teams, the active one first. */
export function teamNodes(db: SqlDb, viewer: TeamViewer): TeamNode[] {
  const rows = db.all<{ id: string; name: string; role: MemberRole; members: number }>(
    `SELECT t.id, t.name, m.role, (SELECT count(*) FROM members x WHERE x.team_id = t.id) AS members
     FROM teams t JOIN members m ON m.team_id = t.id AND m.user_id = ?
     ORDER BY t.name COLLATE NOCASE, t.id`,
    [viewer.userId],
  );
  const nodes: TeamNode[] = rows.map((r) => ({
    kind: 'team',
    teamId: r.id,
    name: r.name,
    role: r.role,
    active: r.id === viewer.activeTeamId,
    memberCount: r.members,
  }));
  return [...nodes.filter((n) => n.active), ...nodes.filter((n) => !n.active)];
}

/**
 * A team's members: owners, then admins, then members, each by email. `focusingUntil` answers for
 * members who share presence (opt-in) and are focusing now.
 */
export function memberNodes(db: SqlDb, viewer: TeamViewer, team: TeamNode, focusingUntil?: (userId: string) => number | undefined): MemberNode[] {
  const rows = db.all<{ id: string; user_id: string; email: string | null; role: MemberRole; last_active: string | null; sessions: number }>(
    `SELECT m.id, m.user_id, m.email, m.role,
       (SELECT max(coalesce(s.end_time, s.start_time)) FROM shared_sessions s
         WHERE s.team_id = m.team_id AND s.user_id = m.user_id AND s.sync_status IS NOT 'failed') AS last_active,
       (SELECT count(*) FROM shared_sessions s WHERE s.team_id = m.team_id AND s.user_id = m.user_id AND s.sync_status IS NOT 'failed') AS sessions
     FROM members m WHERE m.team_id = ?
     ORDER BY ${ROLE_ORDER}, m.email IS NULL, m.email COLLATE NOCASE, m.user_id`,
    [team.teamId],
  );
  return rows.map((r) => {
    const isYou = r.user_id === viewer.userId;
    const until = focusingUntil?.(r.user_id);
    return {
      kind: 'member',
      teamId: team.teamId,
      memberId: r.id,
      userId: r.user_id,
      email: r.email,
      role: r.role,
      isYou,
      manageable: mayManage(team.role, r.role, isYou),
      ...(r.last_active ? { lastActive: r.last_active } : {}),
      ...(until !== undefined ? { focusingUntil: until } : {}),
      sessionCount: r.sessions,
    };
  });
}

/** A member's newest shared sessions in this team. */
export function sessionNodes(db: SqlDb, member: MemberNode, limit = RECENT_SESSIONS): SessionNode[] {
  return db
    .all<{ id: string; start_time: string; end_time: string | null; actual_duration_seconds: number | null; planned_duration_minutes: number; completed: number }>(
      `SELECT id, start_time, end_time, actual_duration_seconds, planned_duration_minutes, completed
       FROM shared_sessions WHERE team_id = ? AND user_id = ? AND sync_status IS NOT 'failed' ORDER BY start_time DESC LIMIT ?`,
      [member.teamId, member.userId, limit],
    )
    .map((r) => ({
      kind: 'session',
      teamId: member.teamId,
      memberId: member.memberId,
      sessionId: r.id,
      startTime: r.start_time,
      endTime: r.end_time,
      actualSeconds: r.actual_duration_seconds,
      plannedMinutes: r.planned_duration_minutes,
      completed: r.completed === 1,
    }));
}
