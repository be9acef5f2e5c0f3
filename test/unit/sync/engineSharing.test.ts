import * as assert from 'assert';
import { Emitter } from '../../../src/core/events';
import type { FocusChange } from '../../../src/core/focus/focusService';
import type { FocusSession } from '../../../src/core/focus/session';
import { uuidv7Time } from '../../../src/core/ids';
import { silentLogger } from '../../../src/core/logger';
import { createEntityRegistry } from '../../../src/core/models';
import type { Store } from '../../../src/core/store';
import { SyncQueue } from '../../../src/core/sync/queue';
import { AutoShare, ShareError, shareableSessions, shareSession, sharedSessionId, unshareSession, type SharingContext } from '../../../src/core/sync/sharing';
import type { ConnectionState } from '../../../src/core/team/connection';
import { FakeClock, openStore, TEAM_ID, USER_ID } from './fixtures';

const START = '2026-03-02T08:00:00.000Z';

async function addSession(store: Store, id: string, o: { kind?: 'focus' | 'break'; state?: string } = {}): Promise<void> {
  await store.write((db) =>
    db.run(
      `INSERT INTO sessions (id, kind, break_type, start_time, end_time, planned_duration_minutes, actual_duration_seconds, state, completed, created_at, last_modified)
       VALUES (?, ?, ?, ?, '2026-03-02T08:25:00.000Z', 25, 1500, ?, 1, ?, ?)`,
      [id, o.kind ?? 'focus', o.kind === 'break' ? 'short' : null, START, o.state ?? 'completed', START, START],
    ),
  );
}

function counts(store: Store): { shared: number; queued: number; ops: string[] } {
  return store.read((db) => ({
    shared: db.get<{ n: number }>('SELECT count(*) AS n FROM shared_sessions')!.n,
    queued: db.get<{ n: number }>('SELECT count(*) AS n FROM sync_queue')!.n,
    ops: db.all<{ operation: string }>('SELECT operation FROM sync_queue ORDER BY seq').map((r) => r.operation),
  }));
}

function session(id: string, o: Partial<FocusSession> = {}): FocusSession {
  return {
    id,
    kind: 'focus',
    breakType: null,
    label: null,
    state: 'completed',
    startTime: START,
    endTime: '2026-03-02T08:25:00.000Z',
    plannedMinutes: 25,
    actualSeconds: 1500,
    pausedSeconds: 0,
    pausedAt: null,
    completed: true,
    createdAt: START,
    lastModified: START,
    ...o,
  };
}

describe('sharing sessions', () => {
  let store: Store;
  let sharing: SharingContext;
  const clock = new FakeClock();
  beforeEach(async () => {
    ({ store } = await openStore());
    sharing = { store, clock, queue: () => new SyncQueue({ registry: createEntityRegistry(), clock }) };
  });
  afterEach(async () => store.close());

  it('gives one session shared with one team by one user the same valid UUIDv7, timed at the session start', () => {
    const id = sharedSessionId(TEAM_ID, USER_ID, 's1', Date.parse(START));
    assert.strictEqual(id, sharedSessionId(TEAM_ID, USER_ID, 's1', Date.parse(START)));
    assert.notStrictEqual(id, sharedSessionId(TEAM_ID, USER_ID, 's2', Date.parse(START)));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.strictEqual(uuidv7Time(id), Date.parse(START));
  });

  it('writes the shared row and its queued create together; sharing again changes nothing', async () => {
    await addSession(store, 's1');
    const first = await shareSession(sharing, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
    const again = await shareSession(sharing, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
    assert.strictEqual(again.localId, first.localId);
    assert.deepStrictEqual(counts(store), { shared: 1, queued: 1, ops: ['create'] });
    assert.strictEqual(first.syncStatus, 'pending');
  });

  it('refuses running sessions, breaks and unknown ids, and shares nothing', async () => {
    await addSession(store, 'running', { state: 'running' });
    await addSession(store, 'break', { kind: 'break' });
    for (const sessionId of ['running', 'break', 'nope']) {
      await assert.rejects(shareSession(sharing, { sessionId, teamId: TEAM_ID, userId: USER_ID }), ShareError);
    }
    assert.deepStrictEqual(counts(store), { shared: 0, queued: 0, ops: [] });
  });

  it('unsharing before anything was sent leaves nothing to send; sharing again after that queues a fresh create', async () => {
    await addSession(store, 's1');
    const shared = await shareSession(sharing, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
    await unshareSession(sharing, shared.localId);
    assert.deepStrictEqual(counts(store), { shared: 0, queued: 0, ops: [] });
    await shareSession(sharing, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
    assert.deepStrictEqual(counts(store), { shared: 1, queued: 1, ops: ['create'] });
  });

  it('shares again a session whose refused share the user cleared: it is offered, and queued anew', async () => {
    await addSession(store, 's1');
    await shareSession(sharing, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
    const queue = sharing.queue();
    await store.write((db) => queue.markFailed(db, queue.takeBatch(db, clock.now()), 'You are not allowed to do this.', { permanent: true }));
    assert.strictEqual(shareableSessions(store, { teamId: TEAM_ID, userId: USER_ID })[0].shared, true, 'a failed share waiting for a retry stands');
    await store.write((db) => queue.clearFailed(db));
    assert.strictEqual(shareableSessions(store, { teamId: TEAM_ID, userId: USER_ID })[0].shared, false, 'offered again once cleared');
    const again = await shareSession(sharing, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
    assert.strictEqual(again.syncStatus, 'pending');
    assert.deepStrictEqual(counts(store), { shared: 1, queued: 1, ops: ['create'] });
  });

  it('auto-share: shares each completed focus session once the setting is on, with the active team; nothing else', async () => {
    const changes = new Emitter<FocusChange>();
    let enabled = false;
    const connection = {
      state: {
        status: 'connected',
        connection: { serverUrl: 'http://127.0.0.1:1', userId: USER_ID, connectedAt: 0, teamId: TEAM_ID },
        client: {} as never,
      } as ConnectionState,
      onDidChange: new Emitter<ConnectionState>().event,
    };
    const auto = new AutoShare({ focusChanges: changes.event, enabled: () => enabled, connection, sharing, logger: silentLogger });
    const settle = () => new Promise((r) => setTimeout(r, 100));
    try {
      for (const id of ['off', 'on', 'cancelled', 'break']) await addSession(store, id);
      changes.fire({ reason: 'completed', session: session('off') });
      await settle();
      assert.strictEqual(counts(store).shared, 0, 'nothing is shared while the setting is off');

      enabled = true;
      changes.fire({ reason: 'completed', session: session('on') });
      changes.fire({ reason: 'stopped', session: session('on') });
      changes.fire({ reason: 'cancelled', session: session('cancelled', { state: 'cancelled', completed: false }) });
      changes.fire({ reason: 'completed', session: session('break', { kind: 'break', breakType: 'short' }) });
      await settle();
      const rows = store.read((db) => db.all<{ local_session_id: string }>('SELECT local_session_id FROM shared_sessions'));
      assert.deepStrictEqual(rows, [{ local_session_id: 'on' }]);
      assert.deepStrictEqual(counts(store).ops, ['create']);
    } finally {
      auto.dispose();
    }
  });
});
