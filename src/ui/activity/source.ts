import { getPersonalActivity, getTeamActivity, type RangeDays } from '../../core/activity';
import { toLocalId } from '../../core/ids';
import type { Store } from '../../core/store';
import type { ConnectionState } from '../../core/team/connection';
import type { ActivityPage, HostMessage, TeamLink } from '../../webview/protocol';

export interface ActivityRequest {
  rangeDays: RangeDays;
  /** The page the user chose (none yet: the team's, in a team); "team" shows only while there is a team. */
  page?: ActivityPage;
  /** The daily goal in minutes; 0 = none. */
  goalMinutes: number;
  now?: number;
  timeZone?: string;
}

/** The team to show, or the team action the "You" page offers instead. */
function teamLink(connection: ConnectionState): { link: TeamLink; detail?: string; teamId?: string; userId?: string } {
  switch (connection.status) {
    case 'disconnected':
    case 'restoring':
      return { link: connection.status };
    case 'signed-out':
      return { link: connection.status, detail: connection.reason };
    case 'connected': {
      const { teamId, userId } = connection.connection;
      return teamId ? { link: 'available', teamId, userId } : { link: 'no-team' };
    }
  }
}

/**
 * What the Activity view shows: the user's own focus ("You"), always available since it needs no
 * server, or, in a team and asked for, the team's activity. The connection ids are as the server spells
 * them; the local tables use hyphenated UUIDs.
 */
export function activityMessage(store: Store, connection: ConnectionState, request: ActivityRequest): HostMessage {
  const { rangeDays, now, timeZone } = request;
  const team = teamLink(connection);
  if ((request.page ?? 'team') === 'team' && team.teamId) {
    const activity = store.read((db) => getTeamActivity(db, { teamId: toLocalId(team.teamId!), rangeDays, now, timeZone }));
    return { type: 'activity', activity, me: team.userId ? toLocalId(team.userId) : null };
  }
  const activity = store.read((db) => getPersonalActivity(db, { rangeDays, now, timeZone, goalMinutes: request.goalMinutes }));
  return team.detail ? { type: 'personal', activity, team: team.link, detail: team.detail } : { type: 'personal', activity, team: team.link };
}
