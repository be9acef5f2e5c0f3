import assert from 'node:assert/strict';
import { AuthError } from '../../src/core/trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { count, REFRESH, signedInClient, sleep, teamSchema } from './clientFixtures';

// Auth tokens live 4 s here, so the refresh margin is 2 s (half the lifetime; 60 s for real tokens).
const TTL_SEC = 4;

describe('TrailBase client: token expiry against the local server', function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ authTokenTtlSec: TTL_SEC });
  });
  after(async () => {
    await server?.stop();
  });

  it('refreshes a token inside its margin before the next request, not after a refusal', async () => {
    const a = await signedInClient(server);
    const teams = a.client.records('teams', teamSchema);
    const id = await teams.create({ name: 'Expiry', created_by: a.userId });
    const before = a.store.saved?.authToken;
    await server.resetStats();
    await teams.read(id);
    assert.equal(count(await server.stats(), REFRESH), 0, 'a fresh token is not refreshed');

    await sleep((TTL_SEC / 2) * 1000 + 300);
    await server.resetStats();
    assert.equal((await teams.read(id)).name, 'Expiry');
    const stats = await server.stats();
    assert.equal(count(stats, REFRESH), 1);
    assert.equal(count(stats, 'GET /api/records/v1/teams/:id'), 1, 'the read went out once, with the new token');
    assert.notEqual(a.store.saved?.authToken, before, 'the renewed token is in the store');
    assert.ok((a.client.authState?.expiresAt ?? 0) > Date.now() + 1000);
  });

  it('100 concurrent requests with an expired token make exactly one refresh request', async () => {
    const a = await signedInClient(server);
    const teams = a.client.records('teams', teamSchema);
    const id = await teams.create({ name: 'Crowd', created_by: a.userId });
    await sleep(TTL_SEC * 1000 + 200);
    assert.ok((a.client.authState?.expiresAt ?? Infinity) < Date.now(), 'the token has expired');
    await server.resetStats();
    const results = await Promise.all(Array.from({ length: 100 }, () => teams.read(id)));
    assert.equal(results.filter((t) => t.name === 'Crowd').length, 100);
    const stats = await server.stats();
    assert.equal(count(stats, REFRESH), 1);
    assert.equal(count(stats, 'GET /api/records/v1/teams/:id'), 100);
  });

  it('a 403 to a token the server sees as expired (our clock behind) is refreshed and retried once', async () => {
    const lagging = { now: () => Date.now() - 10 * 60_000 };
    const a = await signedInClient(server, { clock: lagging });
    const teams = a.client.records('teams', teamSchema);
    const id = await teams.create({ name: 'Skew', created_by: a.userId });
    await sleep(TTL_SEC * 1000 + 200);
    await server.resetStats();
    assert.equal((await teams.read(id)).name, 'Skew');
    const stats = await server.stats();
    assert.equal(count(stats, REFRESH), 1);
    assert.equal(count(stats, 'GET /api/records/v1/teams/:id'), 2, 'one 403, one retry');
  });

  it('a 403 to a valid token is a permission error, without a refresh', async () => {
    const owner = await signedInClient(server);
    const stranger = await signedInClient(server);
    const id = await owner.client.records('teams', teamSchema).create({ name: 'Private', created_by: owner.userId });
    await server.resetStats();
    const err = await stranger.client.records('teams', teamSchema).read(id).catch((e: unknown) => e);
    assert.ok(err instanceof AuthError && err.code === 'forbidden', String(err));
    assert.match(err.message, /member of the team/);
    const stats = await server.stats();
    assert.equal(count(stats, REFRESH), 0);
    assert.equal(count(stats, 'GET /api/records/v1/teams/:id'), 1);
  });
});
