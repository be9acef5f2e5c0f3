import { getTeamActivity, type RangeDays } from '../../core/activity';
import { toLocalId } from '../../core/ids';
import type { Store } from '../../core/store';
import type { ConnectionState } from '../../core/team/connection';
import type { HostMessage } from '../../webview/protocol';

/** The connection keeps ids as the server spells them; the local tables use hyphenated UUIDs. */

/** What the Activity view shows for a connection state and range: the team's activity or the next step. */
export function activityMessage(store: Store, connection: ConnectionState, rangeDays: RangeDays, now?: number): HostMessage {
  switch (connection.status) {
    case 'disconnected':
      return { type: 'empty', reason: 'disconnected', rangeDays };
    case 'restoring':
      return { type: 'empty', reason: 'restoring', rangeDays };
    case 'signed-out':
      return { type: 'empty', reason: 'signed-out', rangeDays, detail: connection.reason };
    case 'connected': {
      const { teamId, userId } = connection.connection;
      if (!teamId) return { type: 'empty', reason: 'no-team', rangeDays };
      const activity = store.read((db) => getTeamActivity(db, { teamId: toLocalId(teamId), rangeDays, now }));
      return { type: 'activity', activity, me: toLocalId(userId) };
    }
  }
}
