import * as assert from 'assert';
import { uuidToBase64 } from '../../../src/core/ids';
import type { Store } from '../../../src/core/store';
import type { Connection, ConnectionState } from '../../../src/core/team/connection';
import type { TrailBaseClient } from '../../../src/core/trailbase';
import { activityMessage } from '../../../src/ui/activity/source';
import { insertMember, insertSession, insertTeam, openTempStore } from './seed';

const NOW = Date.parse('2026-03-10T15:00:00.000Z');

/** A connected state as ConnectionService reports it; the view never touches the client. */
function connected(connection: Omit<Connection, 'connectedAt' | 'serverUrl'>): ConnectionState {
  return { status: 'connected', connection: { serverUrl: 'http://127.0.0.1:1', connectedAt: NOW, ...connection }, client: {} as TrailBaseClient };
}

describe('what the Activity view is sent for each connection state', () => {
  let store: Store;
  let team: string;
  let alice: string;

  beforeEach(async () => {
    store = await openTempStore();
    await store.write((db) => {
      team = insertTeam(db, 'Demo Team');
      alice = insertMember(db, team, 'alice@example.test', 'Owner');
      insertSession(db, { teamId: team, userId: alice, start: '2026-03-10T09:00:00.000Z', spanMinutes: 30 });
    });
  });
  afterEach(() => store.close());

  it('asks to connect, to sign in again (with the reason), or to create or join a team', () => {
    assert.deepStrictEqual(activityMessage(store, { status: 'disconnected' }, 7), { type: 'empty', reason: 'disconnected', rangeDays: 7 });
    assert.deepStrictEqual(activityMessage(store, { status: 'signed-out', serverUrl: 'http://127.0.0.1:1', reason: 'Session ended.' }, 30), {
      type: 'empty',
      reason: 'signed-out',
      rangeDays: 30,
      detail: 'Session ended.',
    });
    assert.deepStrictEqual(activityMessage(store, connected({ userId: uuidToBase64(alice) }), 7), { type: 'empty', reason: 'no-team', rangeDays: 7 });
  });

  it("shows the active team's activity whichever way the connection spells the ids, and marks the user", () => {
    for (const ids of [{ teamId: team, userId: alice }, { teamId: uuidToBase64(team), userId: uuidToBase64(alice) }]) {
      const message = activityMessage(store, connected(ids), 30, NOW);
      assert.strictEqual(message.type, 'activity');
      if (message.type !== 'activity') return;
      assert.strictEqual(message.me, alice);
      assert.deepStrictEqual([message.activity.team_name, message.activity.range_days, message.activity.total_focus_hours], ['Demo Team', 30, 0.5]);
    }
  });
});
