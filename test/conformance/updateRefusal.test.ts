// A refused update: TrailBase answers a PATCH its kit refuses (a CHECK, a trigger's abort, no row left)
// with an empty 500, the same as a server in trouble. The sync engine asks the server itself which one it
// is, and fails a refusal at once with a reason the user can act on, instead of retrying it for hours.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { uuidToBase64 } from '../../src/core/ids';
import { shareSession, updateSharedSession } from '../../src/core/sync/sharing';
import { UPDATE_SENDS_BEFORE_REFUSAL } from '../../src/core/sync/updateRefusal';
import { startTestServer, type TestServer } from '../server/harness';
import { completedSessions, createTeam, machine, remoteShared, userAccount, type Machine, type MachineOptions } from './syncFixtures';

const KIT = path.join(__dirname, '..', '..', 'trailbase', 'traildepot');

/** The server kit as a team might have changed it: shared sessions longer than an hour cannot be saved by an edit. */
function stricterDepot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-depot-'));
  fs.cpSync(KIT, dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'migrations', 'main', 'U1899999999__edits_at_most_an_hour.sql'),
    `CREATE TRIGGER shared_sessions_edit_at_most_an_hour BEFORE UPDATE ON shared_sessions
     WHEN NEW.actual_duration_seconds > 3600 BEGIN SELECT RAISE(ABORT, 'at most an hour'); END;\n`,
  );
  return dir;
}

const isPatch = (input: unknown, init?: RequestInit) => init?.method === 'PATCH' && String(input).includes('/api/records/v1/shared_sessions/');

describe('sync: an update the server answers with an empty 500', function () {
  this.timeout(30_000);
  let server: TestServer;
  let depot: string;
  let alice: { email: string; id: string };
  let team: { id: string };
  const open: Machine[] = [];

  /** Alice's machine with one session shared and pushed, and its local id. */
  const sharedOnServer = async (o: MachineOptions = {}) => {
    const m = await machine(server, alice.email, team.id, o);
    open.push(m);
    const [sessionId] = await completedSessions(m.store, 1, Date.parse('2026-08-01T08:00:00.000Z') + open.length * 3_600_000);
    const shared = await shareSession(m.sharing, { sessionId, teamId: team.id, userId: m.userId });
    assert.strictEqual((await m.engine.sync('test', { explicit: true })).synced, 1);
    return { m, id: shared.localId };
  };
  const requests = async (method: string) => {
    const { requests: all } = await server.stats();
    return all[`${method} /api/records/v1/shared_sessions/:id`] ?? 0;
  };

  before(async () => {
    depot = stricterDepot();
    server = await startTestServer({ args: ['--depot', depot] });
    alice = await userAccount(server, 'alice');
    const setup = await machine(server, alice.email, undefined);
    team = await createTeam(setup.connection.client!, 'Refusals');
    await setup.close();
  });
  afterEach(async () => {
    for (const m of open.splice(0)) await m.close();
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(depot, { recursive: true, force: true });
  });

  it('fails an update the server kit refuses at once, saying what to do, after confirming it with the server', async () => {
    const { m, id } = await sharedOnServer();
    await updateSharedSession(m.sharing, id, { actual_duration_seconds: 5_000 });
    await server.resetStats();
    const run = await m.engine.sync('test', { explicit: true });
    assert.deepStrictEqual({ synced: run.synced, failed: run.failed, pending: run.pending }, { synced: 0, failed: 1, pending: 0 });
    const [failed] = m.engine.failedOperations();
    assert.strictEqual(failed.retryCount, 1, 'failed on its first attempt, not after hours of backoff');
    assert.match(failed.lastError ?? '', /refused this change to a shared session 4 times in a row/);
    assert.match(failed.lastError ?? '', /ask its admin, or update FocusFlow/);
    assert.match(failed.lastError ?? '', /Clear Failed Sync Changes/);
    assert.strictEqual(await requests('PATCH'), UPDATE_SENDS_BEFORE_REFUSAL);
    assert.strictEqual(await requests('GET'), UPDATE_SENDS_BEFORE_REFUSAL, 'the record was read back before each verdict');
    assert.strictEqual(m.engine.status().indicator.state, 'failed');
    const local = m.store.read((db) => db.get<{ sync_status: string; actual_duration_seconds: number }>('SELECT sync_status, actual_duration_seconds FROM shared_sessions WHERE id = ?', [id]));
    assert.deepStrictEqual(local, { sync_status: 'failed', actual_duration_seconds: 5_000 }, 'the local edit is kept');
  });

  it('an update within the rules goes through, and a single empty 500 on the way is not a refusal', async () => {
    let injected = 0;
    const { m, id } = await sharedOnServer({
      client: {
        // One internal error of the server on the first PATCH only, as a busy server gives.
        fetch: (input, init) => (isPatch(input, init) && injected++ === 0 ? Promise.resolve(new Response('', { status: 500 })) : globalThis.fetch(input, init)),
      },
    });
    await updateSharedSession(m.sharing, id, { actual_duration_seconds: 1_800 });
    const run = await m.engine.sync('test', { explicit: true });
    assert.strictEqual(injected, 2, 'one refused send, then one that went through');
    assert.deepStrictEqual({ synced: run.synced, failed: run.failed, pending: run.pending }, { synced: 1, failed: 0, pending: 0 });
    const onServer = await m.connection.client!.records('shared_sessions', remoteShared).read(uuidToBase64(id));
    assert.strictEqual(onServer.actual_duration_seconds, 1_800);
  });

  it('fails an update of a record the server no longer has at once, saying so', async () => {
    const { m, id } = await sharedOnServer({
      // A server that answers a PATCH of a missing row with an empty 500 (TrailBase does, when no rule reads the row).
      client: { fetch: (input, init) => (isPatch(input, init) ? Promise.resolve(new Response('', { status: 500 })) : globalThis.fetch(input, init)) },
    });
    await m.connection.client!.records('shared_sessions', remoteShared).delete(uuidToBase64(id));
    await updateSharedSession(m.sharing, id, { actual_duration_seconds: 1_700 });
    const run = await m.engine.sync('test', { explicit: true });
    assert.strictEqual(run.failed, 1);
    const [failed] = m.engine.failedOperations();
    assert.match(failed.lastError ?? '', /no longer has this shared session, or you can no longer see it/);
  });

  it('a server in trouble (reads fail too) leaves the update waiting for its next attempt, as before', async () => {
    const { m, id } = await sharedOnServer({
      client: {
        retry: { retries: 0 },
        fetch: (input, init) =>
          String(input).includes('/api/records/v1/shared_sessions/') && init?.method !== 'POST'
            ? Promise.resolve(new Response('', { status: 500 }))
            : globalThis.fetch(input, init),
      },
    });
    await updateSharedSession(m.sharing, id, { actual_duration_seconds: 1_600 });
    const run = await m.engine.sync('test', { explicit: true });
    assert.deepStrictEqual({ failed: run.failed, pending: run.pending }, { failed: 0, pending: 1 });
    const row = m.store.read((db) => db.get<{ retry_count: number; status: string }>('SELECT retry_count, status FROM sync_queue'));
    assert.deepStrictEqual(row, { retry_count: 1, status: 'pending' });
  });
});
