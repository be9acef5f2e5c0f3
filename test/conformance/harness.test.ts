// The harness's fault injection and statistics, which the client and sync tests rely on: each
// fault is observed the way a client would see it.
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../server/harness';
import { clientId, createTeam, raw, sessionRecord, signedInUser, token, type SignedIn, type Team } from './helpers';

describe('test server harness: faults and statistics', function () {
  let server: TestServer;
  let alice: SignedIn;
  let team: Team;
  const create = (record: Record<string, unknown>) => raw(server, '/api/records/v1/shared_sessions', {
    method: 'POST', token: token(alice), headers: { 'content-type': 'application/json' }, body: JSON.stringify(record),
  });
  const exists = async (id: unknown) => (await raw(server, `/api/records/v1/shared_sessions/${String(id)}`, { token: token(alice) })).status === 200;

  before(async () => {
    server = await startTestServer();
    alice = await signedInUser(server, 'alice');
    team = await createTeam(alice, 'Faults');
  });
  afterEach(async () => server.clearFaults());
  after(async () => server.stop());

  it('latencyMs delays replies', async () => {
    await server.setFaults({ latencyMs: 300 });
    const t0 = Date.now();
    await raw(server, '/api/records/v1/teams', { token: token(alice) });
    assert.ok(Date.now() - t0 >= 290);
  });

  it('errorRate answers that share with errorStatus, only on paths matching `paths`', async () => {
    await server.setFaults({ errorRate: 1, errorStatus: 503, paths: '^/api/records/v1/shared_sessions' });
    assert.equal((await raw(server, '/api/records/v1/shared_sessions', { token: token(alice) })).status, 503);
    assert.equal((await raw(server, '/api/records/v1/teams', { token: token(alice) })).status, 200);
    await server.setFaults({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => raw(server, '/api/records/v1/teams', { token: token(alice) }).then((r) => r.status)));
    const failed = statuses.filter((s) => s === 500).length;
    assert.ok(failed > 50 && failed < 150, `about half failed: ${failed}`);
  });

  it('rateLimit answers every Nth request with 429 and Retry-After', async () => {
    await server.setFaults({ rateLimit: { every: 3, retryAfterSeconds: 7 } });
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await raw(server, '/api/records/v1/teams', { token: token(alice) }));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 429, 200, 200, 429]);
    assert.equal(replies[2].headers.get('retry-after'), '7');
  });

  it('dropBeforeCommit cuts the connection and nothing is written', async () => {
    await server.setFaults({ dropBeforeCommit: 1 });
    const record = sessionRecord(team, alice, 1);
    await assert.rejects(create(record));
    await server.clearFaults();
    assert.equal(await exists(record.id), false);
  });

  it('dropAfterCommit cuts the connection after the write committed; a retry with the same id does not duplicate', async () => {
    await server.setFaults({ dropAfterCommit: 1 });
    const record = sessionRecord(team, alice, 2);
    await assert.rejects(create(record));
    await server.clearFaults();
    assert.equal(await exists(record.id), true);
    assert.equal((await create(record)).status, 200);
    const list = await alice.client.records('shared_sessions').list({ filters: [{ column: 'local_session_id', value: String(record.local_session_id) }] });
    assert.equal(list.records.length, 1);
  });

  it('reads are never dropped by the write faults', async () => {
    await server.setFaults({ dropBeforeCommit: 1, dropAfterCommit: 1 });
    assert.equal((await raw(server, '/api/records/v1/teams', { token: token(alice) })).status, 200);
  });

  it('htmlReply answers API calls with a 200 HTML page', async () => {
    await server.setFaults({ htmlReply: true });
    const res = await raw(server, '/api/records/v1/teams', { token: token(alice) });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /text\/html/);
    assert.match(await res.text(), /<html/);
  });

  it('counts requests per method and path pattern, ids folded to :id', async () => {
    await server.resetStats();
    const id = clientId();
    await create(sessionRecord(team, alice, 3, { id }));
    await raw(server, `/api/records/v1/shared_sessions/${id}`, { token: token(alice) });
    await alice.client.refreshAuthToken({ force: true });
    const { requests } = await server.stats();
    assert.deepEqual(requests, {
      'POST /api/records/v1/shared_sessions': 1,
      'GET /api/records/v1/shared_sessions/:id': 1,
      'POST /api/auth/v1/refresh': 1,
    });
  });

  it('rejects nonsense faults', async () => {
    await assert.rejects(server.setFaults({ errorRate: 2 }));
    await assert.rejects(server.setFaults({ paths: '(' }));
  });
});

describe('test server harness: faults from flags', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ args: ['--error-rate', '1', '--error-status', '503', '--fault-paths', '^/api/records/'] });
  });
  after(async () => server.stop());

  it('applies --error-rate/--error-status/--fault-paths from the command line', async () => {
    const u = await signedInUser(server, 'flags'); // auth is outside the faulted paths
    assert.equal((await raw(server, '/api/records/v1/teams', { token: token(u) })).status, 503);
  });
});
