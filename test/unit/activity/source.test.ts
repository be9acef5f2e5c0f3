import * as assert from 'assert';
import { uuidToBase64 } from '../../../src/core/ids';
import type { Store } from '../../../src/core/store';
import type { Connection, ConnectionState } from '../../../src/core/team/connection';
import type { TrailBaseClient } from '../../../src/core/trailbase';
import { activityMessage } from '../../../src/ui/activity/source';
import { insertLocalSession } from './localSeed';
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

  const you = (rangeDays: 7 | 30, page: 'you' | 'team' = 'you') => ({ rangeDays, page, goalMinutes: 0, now: NOW, timeZone: 'UTC' });

  it('shows "You" when not connected, signed out or in no team, with the team action it can offer', async () => {
    await store.write((db) => insertLocalSession(db, { start: '2026-03-10T09:00:00.000Z', spanMinutes: 25 }));
    const cases: [ConnectionState, string, string | undefined][] = [
      [{ status: 'disconnected' }, 'disconnected', undefined],
      [{ status: 'restoring', serverUrl: 'http://127.0.0.1:1' }, 'restoring', undefined],
      [{ status: 'signed-out', serverUrl: 'http://127.0.0.1:1', reason: 'Session ended.' }, 'signed-out', 'Session ended.'],
      [connected({ userId: uuidToBase64(alice) }), 'no-team', undefined],
    ];
    for (const [state, link, detail] of cases) {
      // Asking for the team page without a team still shows the user's own page.
      const message = activityMessage(store, state, you(30, 'team'));
      assert.strictEqual(message.type, 'personal');
      if (message.type !== 'personal') return;
      assert.deepStrictEqual([message.team, message.detail, message.activity.range_days, message.activity.today.focus_minutes], [link, detail, 30, 25]);
    }
  });

  it("shows the active team's activity whichever way the connection spells the ids, and marks the user", () => {
    for (const ids of [{ teamId: team, userId: alice }, { teamId: uuidToBase64(team), userId: uuidToBase64(alice) }]) {
      const message = activityMessage(store, connected(ids), you(30, 'team'));
      assert.strictEqual(message.type, 'activity');
      if (message.type !== 'activity') return;
      assert.strictEqual(message.me, alice);
      assert.deepStrictEqual([message.activity.team_name, message.activity.range_days, message.activity.total_focus_hours], ['Demo Team', 30, 0.5]);
    }
  });

  it('in a team, shows the team until the user picks a page', () => {
    assert.strictEqual(activityMessage(store, connected({ teamId: team, userId: alice }), { rangeDays: 7, goalMinutes: 0, now: NOW }).type, 'activity');
  });

  it('shows "You" in a team when the user chose it, saying the team page is there too', () => {
    const message = activityMessage(store, connected({ teamId: team, userId: alice }), you(7));
    assert.deepStrictEqual([message.type, message.type === 'personal' && message.team], ['personal', 'available']);
  });
});
