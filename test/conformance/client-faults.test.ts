import assert from 'node:assert/strict';
import { NetworkError, RateLimitedError, ServerError } from '../../src/core/trailbase';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { startTestServer, type TestServer } from '../server/harness';
import { count, signedInClient, teamSchema } from './clientFixtures';

const TEAMS_LIST = 'GET /api/records/v1/teams';

describe('TrailBase client: faults from the local server', function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.clearFaults();
  });
  after(async () => {
    await server?.stop();
  });

  it('waits out a 429 for the Retry-After the server asked, then succeeds', async () => {
    const a = await signedInClient(server);
    const teams = a.client.records('teams', teamSchema);
    await server.setFaults({ rateLimit: { every: 2, retryAfterSeconds: 1 }, paths: '^/api/records/' });
    await server.resetStats();
    await teams.list();
    const started = Date.now();
    await teams.list(); // the 2nd request is answered 429, the retry (3rd) passes
    const waited = Date.now() - started;
    assert.ok(waited >= 1000, `waited ${waited} ms for Retry-After: 1`);
    assert.equal(count(await server.stats(), TEAMS_LIST), 3);
  });

  it('hands a 429 to the caller, with retryAfterMs, when the wait is longer than allowed', async () => {
    const a = await signedInClient(server, { retry: { maxRetryAfterMs: 500 } });
    await server.setFaults({ rateLimit: { every: 1, retryAfterSeconds: 3 }, paths: '^/api/records/' });
    const err = await a.client.records('teams', teamSchema).list().catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitedError, String(err));
    assert.equal(err.retryAfterMs, 3000);
    assert.match(err.message, /Wait 3 s/);
  });

  it('rides out bursts of 503 on idempotent requests', async () => {
    const a = await signedInClient(server, { retry: { baseMs: 5, capMs: 50, retries: 12 } });
    const teams = a.client.records('teams', teamSchema);
    const id = await teams.create({ name: 'Bursty', created_by: a.userId });
    await server.setFaults({ errorRate: 0.3, errorStatus: 503, paths: '^/api/records/' });
    await server.resetStats();
    const reads = await Promise.all(Array.from({ length: 50 }, () => teams.read(id)));
    assert.equal(reads.filter((t) => t.name === 'Bursty').length, 50);
    assert.ok(count(await server.stats(), 'GET /api/records/v1/teams/:id') > 50, 'some requests were answered 503 and retried');
  });

  it('does not repeat a create without a client id after a 503 (it could duplicate); reports a server error', async () => {
    const a = await signedInClient(server);
    await server.setFaults({ errorRate: 1, errorStatus: 503, paths: '^/api/records/' });
    await server.resetStats();
    const err = await a.client.records('teams', teamSchema).create({ name: 'Once', created_by: a.userId }).catch((e: unknown) => e);
    assert.ok(err instanceof ServerError && err.status === 503, String(err));
    assert.equal(count(await server.stats(), 'POST /api/records/v1/teams'), 1);
  });

  it('retries a create carrying its client id after the connection dies post-commit, each stored once', async () => {
    const a = await signedInClient(server);
    const teams = a.client.records('teams', teamSchema);
    const id = uuidToBase64(uuidv7());
    await server.setFaults({ dropAfterCommit: 0.5, paths: '^/api/records/v1/teams$' });
    await server.resetStats();
    // Several creates so that, with a 50 % drop rate, some first attempts are lost after committing.
    const ids = [id, ...Array.from({ length: 9 }, () => uuidToBase64(uuidv7()))];
    for (const rid of ids) assert.equal(await teams.create({ id: rid, name: `Idem ${rid}`, created_by: a.userId }), rid);
    await server.clearFaults();
    assert.ok(count(await server.stats(), 'POST /api/records/v1/teams') > ids.length, 'some creates were sent again');
    const listed = await teams.list({ where: { created_by: a.userId }, count: true, limit: 100 });
    assert.equal(listed.totalCount, ids.length);
    assert.deepEqual(listed.records.map((t) => t.id).sort(), [...ids].sort());
  });

  it('turns an HTML page where JSON belongs into a typed error naming what was expected', async () => {
    const a = await signedInClient(server);
    await server.setFaults({ htmlReply: true });
    const listErr = await a.client.records('teams', teamSchema).list().catch((e: unknown) => e);
    assert.ok(listErr instanceof ServerError && listErr.code === 'bad-reply', String(listErr));
    assert.match(listErr.message, /expected JSON \{records: \[\.\.\.\], cursor\?, total_count\?\}, got an HTML page/);
    const loginErr = await a.client.login(a.email, 'whatever password').catch((e: unknown) => e);
    assert.ok(loginErr instanceof ServerError && loginErr.code === 'bad-reply' && /auth_token/.test(loginErr.expected ?? ''), String(loginErr));
  });

  it('gives up on a server slower than the timeout with a network error that says so', async () => {
    const a = await signedInClient(server, { timeoutMs: 300, retry: { retries: 0 } });
    await server.setFaults({ latencyMs: 1500, paths: '^/api/records/' });
    const started = Date.now();
    const err = await a.client.records('teams', teamSchema).list().catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError && err.code === 'timeout', String(err));
    assert.match(err.message, /did not answer within 0\.3 s\. Check your connection/);
    assert.ok(Date.now() - started < 1400, 'did not wait for the slow reply');
  });

  it('asks a timeout given as a function at every request, so a changed setting applies without reconnecting', async () => {
    let timeoutMs = 300;
    const a = await signedInClient(server, { timeoutMs: () => timeoutMs, retry: { retries: 0 } });
    await server.setFaults({ latencyMs: 800, paths: '^/api/records/' });
    try {
      const teams = a.client.records('teams', teamSchema);
      const err = await teams.list().catch((e: unknown) => e);
      assert.ok(err instanceof NetworkError && err.code === 'timeout', String(err));
      timeoutMs = 5_000;
      assert.ok(Array.isArray((await teams.list()).records), 'the longer timeout let the slow reply arrive');
    } finally {
      await server.clearFaults();
    }
  });

  it('reports an unreachable server as a network error with a next step', async () => {
    const gone = await startTestServer();
    const a = await signedInClient(gone, { retry: { retries: 1, baseMs: 5, capMs: 10 } });
    await gone.stop();
    const err = await a.client.records('teams', teamSchema).list().catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError && err.code === 'unreachable', String(err));
    assert.match(err.message, /Cannot reach the TrailBase server at 127\.0\.0\.1:\d+\. Check the address/);
  });
});
