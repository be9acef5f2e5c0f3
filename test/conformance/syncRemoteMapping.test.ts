import * as assert from 'assert';
import { base64ToUuid, uuidToBase64, uuidv7 } from '../../src/core/ids';
import { createEntityRegistry, SharedSession, Team, type Member } from '../../src/core/models';
import type { Store } from '../../src/core/store';
import { SyncQueue } from '../../src/core/sync/queue';
import type { QueuedOp } from '../../src/core/sync/queuedOp';
import { startTestServer, type TestServer } from '../server/harness';
import { FakeClock, openStore, sharedSessionRecord } from '../unit/sync/fixtures';

/**
 * The models' mapping to the server, proven on the local TrailBase-compatible server over loopback:
 * queued operations become transaction operations the server accepts, what it sends back parses into
 * the same entities, a retried create lands on the same record, and unsharing leaves a tombstone.
 */
describe('queued operations against the local TrailBase-compatible server', function () {
  this.timeout(60_000);
  const registry = createEntityRegistry();
  let server: TestServer;
  let store: Store;
  let queue: SyncQueue;
  let token: string;
  let userId: string;
  let teamId: string;

  before(async () => {
    server = await startTestServer();
    const email = `sync-${Date.now()}@example.com`;
    userId = base64ToUuid((await server.createVerifiedUser(email, 'correct-horse-battery')).id);
    const login = await fetch(`${server.url}/api/auth/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct-horse-battery' }),
    });
    token = ((await login.json()) as { auth_token: string }).auth_token;
    ({ store } = await openStore());
    queue = new SyncQueue({ registry, clock: new FakeClock() });
  });

  after(async () => {
    await store?.close();
    await server?.stop();
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
  }

  /** One push round as an engine does it: take, send as one transaction, record the outcome. */
  async function push(): Promise<QueuedOp[]> {
    const batch = await store.write((db) => queue.takeBatch(db, Date.now()));
    const reply = await call('POST', '/api/transaction/v1/execute', { operations: batch.map((op) => registry.toRemoteOperation(op)) });
    assert.strictEqual(reply.status, 200, JSON.stringify(reply.json));
    await store.write((db) => queue.markSucceeded(db, batch));
    return batch;
  }

  async function readRemote(api: string, localId: string) {
    const reply = await call('GET', `/api/records/v1/${api}/${uuidToBase64(localId)}`);
    assert.strictEqual(reply.status, 200, `read ${api}: ${JSON.stringify(reply.json)}`);
    return reply.json;
  }

  it('creates a team and a shared session from the queue, and pulls back the same data', async () => {
    const localTeam = Team.fromRecord({
      id: uuidv7(),
      remote_id: null,
      name: 'Loopback crew',
      invite_code: 'c0ffee0123456789ab',
      created_by: userId,
      created_at: '2026-03-02T08:00:00.000Z',
      last_modified: '2026-03-02T08:00:00.000Z',
    });
    teamId = localTeam.localId;
    const session = SharedSession.fromRecord(sharedSessionRecord({ team_id: localTeam.localId, user_id: userId }));
    await store.write((db) => {
      queue.recordLocalChange(db, 'create', localTeam);
      queue.recordLocalChange(db, 'create', session);
    });
    assert.strictEqual((await push()).length, 2);

    const pulledTeam = registry.get('team').parseRemote(await readRemote('teams', localTeam.localId));
    assert.deepStrictEqual(
      { ...registry.get('team').toRecord(pulledTeam.entity), created_at: undefined, last_modified: undefined },
      { ...localTeam.toRecord(), remote_id: uuidToBase64(localTeam.localId), created_at: undefined, last_modified: undefined },
    );
    const pulledSession = registry.get('shared_session').parseRemote(await readRemote('shared_sessions', session.localId));
    assert.deepStrictEqual(
      { ...registry.get('shared_session').toRecord(pulledSession.entity), shared_at: 0 },
      { ...session.toRecord(), remote_session_id: uuidToBase64(session.localId), sync_status: 'synced', shared_at: 0 },
    );
    assert.strictEqual(pulledSession.deleted, false);

    // The creator became owner on the server; the membership parses into a local Member.
    const members = await call('GET', `/api/records/v1/members?filter[team]=${uuidToBase64(localTeam.localId)}`);
    const [owner] = (members.json as { records: unknown[] }).records.map((r) => registry.get('member').parseRemote(r).entity as Member);
    assert.deepStrictEqual([owner.userId, owner.role], [userId, 'Owner']);

    // The local rows now say synced.
    store.read((db) => {
      assert.strictEqual(registry.get('shared_session').load(db, session.localId)?.remoteId, uuidToBase64(session.localId));
      assert.strictEqual(registry.get('team').load(db, localTeam.localId)?.remoteId, uuidToBase64(localTeam.localId));
    });

    // A create whose reply was lost is sent again with the latest payload: same record, no second one.
    const edited = SharedSession.fromRecord({ ...session.toRecord(), actual_duration_seconds: 1499, sync_status: 'pending', remote_session_id: null });
    const resend = { ...(await store.write((db) => queue.enqueue(db, 'create', edited)))! };
    await store.write((db) => queue.takeBatch(db, Date.now()));
    const again = await call('POST', '/api/transaction/v1/execute', { operations: [registry.toRemoteOperation(resend)] });
    assert.strictEqual(again.status, 200);
    await store.write((db) => queue.markSucceeded(db, resend));
    const listed = await call('GET', `/api/records/v1/shared_sessions?filter[local_session_id]=${encodeURIComponent(session.toRecord().local_session_id)}&count=true`);
    assert.strictEqual((listed.json as { total_count: number }).total_count, 1);
    assert.strictEqual(((await readRemote('shared_sessions', session.localId)) as { actual_duration_seconds: number }).actual_duration_seconds, 1499);

    // An edit goes out as an update; unsharing as a tombstone that pulls see.
    await store.write((db) => queue.recordLocalChange(db, 'update', SharedSession.fromRecord({ ...edited.toRecord(), actual_duration_seconds: 1300, last_modified: '2026-03-02T08:40:00.000Z' })));
    assert.deepStrictEqual((await push()).map((op) => op.operation), ['update']);
    assert.strictEqual(((await readRemote('shared_sessions', session.localId)) as { actual_duration_seconds: number }).actual_duration_seconds, 1300);
    const unshared = SharedSession.fromRecord({ ...edited.toRecord(), last_modified: '2026-03-02T08:45:00.000Z' });
    await store.write((db) => queue.recordLocalChange(db, 'delete', unshared));
    assert.deepStrictEqual((await push()).map((op) => op.operation), ['delete']);
    const tombstone = registry.get('shared_session').parseRemote(await readRemote('shared_sessions', session.localId));
    assert.strictEqual(tombstone.deleted, true);
    assert.strictEqual(tombstone.entity.lastModified, '2026-03-02T08:45:00.000Z');
    assert.deepStrictEqual(store.read((db) => queue.stats(db)).pending, 0);
  });

  it('unshares a session whose create may never have reached the server without being refused', async () => {
    const session = SharedSession.fromRecord(sharedSessionRecord({ team_id: teamId, user_id: userId }));
    await store.write((db) => queue.recordLocalChange(db, 'create', session));
    // The create was taken and its request died before the server saw it.
    const [lost] = await store.write((db) => queue.takeBatch(db, Date.now()));
    await store.write((db) => queue.markFailed(db, lost, 'socket hang up'));
    await store.write((db) => queue.recordLocalChange(db, 'delete', session));
    await store.write((db) => db.run('UPDATE sync_queue SET next_attempt_at = 0'));
    assert.deepStrictEqual((await push()).map((op) => op.operation), ['delete']);
    assert.strictEqual(registry.get('shared_session').parseRemote(await readRemote('shared_sessions', session.localId)).deleted, true);
  });
});
