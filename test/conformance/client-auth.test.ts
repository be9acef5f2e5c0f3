import assert from 'node:assert/strict';
import { AuthError, TrailBaseClient, ValidationError, type AuthState } from '../../src/core/trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { assertNoSecrets, count, errorTexts, MemoryTokenStore, newClient, PASSWORD, REFRESH, signedInClient, teamSchema } from './clientFixtures';

describe('TrailBase client: sign-in against the local server', function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('signs in, stores the tokens, and a new client restores the session from the store without a request', async () => {
    const first = await signedInClient(server);
    assert.equal(first.client.user?.id, first.userId);
    assert.equal(first.client.user?.email, first.email);
    assert.ok(first.store.saved?.authToken && first.store.saved.refreshToken);

    await server.resetStats();
    const changes: (AuthState | undefined)[] = [];
    const { client } = newClient(server, { tokenStore: first.store });
    client.onAuthChange((s) => changes.push(s));
    const restored = await client.restore();
    assert.equal(restored?.user.id, first.userId);
    assert.equal(changes.length, 1);
    assert.deepEqual((await server.stats()).requests, {}, 'restoring needs no network');

    const teams = client.records('teams', teamSchema);
    const id = await teams.create({ name: 'Restored', created_by: first.userId });
    assert.equal((await teams.read(id)).name, 'Restored');
    assert.equal((await client.status())?.user.id, first.userId);
  });

  it('refuses a wrong password with a message to check it, and stores nothing', async () => {
    const email = `wrong-pw-${process.pid}@example.com`;
    await server.createVerifiedUser(email, PASSWORD);
    const { client, store } = newClient(server);
    const err = await client.login(email, 'not the password').catch((e: unknown) => e);
    assert.ok(err instanceof AuthError && err.code === 'invalid-credentials', String(err));
    assert.match(err.message, /password is wrong/);
    assert.equal(store.saved, undefined);
    assert.equal(client.user, undefined);
  });

  it('registers an account, tells the user to verify the email, and explains a sign-in before verification', async () => {
    const unverified = await startTestServer({ autoVerify: false });
    try {
      const { client } = newClient(unverified);
      const email = `new-${process.pid}@example.com`;
      const { message } = await client.register(email, PASSWORD);
      assert.match(message, /verification link/);
      assert.ok(message.includes(email));
      const err = await client.login(email, PASSWORD).catch((e: unknown) => e);
      assert.ok(err instanceof AuthError && err.code === 'invalid-credentials', String(err));
      assert.match(err.message, /the email or password is wrong, or .* is not verified yet\. Check both, or open the verification link/);
    } finally {
      await unverified.stop();
    }
  });

  it('refuses a too-short password before sending anything', async () => {
    const { client } = newClient(server);
    await server.resetStats();
    await assert.rejects(client.register(`short-${process.pid}@example.com`, 'short'), (e: unknown) => e instanceof ValidationError && /8 to 128/.test(e.message));
    assert.deepEqual((await server.stats()).requests, {});
  });

  it('logs out on the server, clears the store and tells listeners; the old refresh token is dead', async () => {
    const a = await signedInClient(server);
    const copy = new MemoryTokenStore();
    await copy.save(a.store.saved);
    const changes: (AuthState | undefined)[] = [];
    a.client.onAuthChange((s) => changes.push(s));

    assert.deepEqual(await a.client.logout(), { serverSessionEnded: true });
    assert.equal(a.store.saved, undefined);
    assert.deepEqual(changes, [undefined]);
    assert.equal(a.client.user, undefined);

    // Another window that still holds the tokens is signed out at its next refresh (401).
    const other = newClient(server, { tokenStore: copy });
    await other.client.restore();
    const otherChanges: (AuthState | undefined)[] = [];
    other.client.onAuthChange((s) => otherChanges.push(s));
    const err = await other.client.refresh().catch((e: unknown) => e);
    assert.ok(err instanceof AuthError && err.code === 'session-expired', String(err));
    assert.match(err.message, /Sign in to your team again/);
    assert.equal(copy.saved, undefined);
    assert.deepEqual(otherChanges, [undefined]);
  });

  it('signs out locally even when the server is unreachable, and says so', async () => {
    const lonely = await startTestServer();
    const a = await signedInClient(lonely);
    await lonely.stop();
    assert.deepEqual(await a.client.logout(), { serverSessionEnded: false });
    assert.equal(a.store.saved, undefined);
  });

  it('asks a server that does not answer to sign out once, so Disconnect waits one timeout, not one per retry', async () => {
    const a = await signedInClient(server, { timeoutMs: 200 });
    await server.setFaults({ latencyMs: 1_000, paths: '^/api/auth/v1/logout' });
    try {
      await server.resetStats();
      assert.deepEqual(await a.client.logout(), { serverSessionEnded: false });
      assert.equal(count(await server.stats(), 'POST /api/auth/v1/logout'), 1);
      assert.equal(a.store.saved, undefined, 'signed out here anyway');
    } finally {
      await server.clearFaults();
    }
  });

  it('rejects a remote http:// server before any request, with a message to use https', () => {
    for (const url of ['http://10.1.2.3:4000', 'http://focus.example.com']) {
      assert.throws(() => new TrailBaseClient({ serverUrl: url, tokenStore: new MemoryTokenStore(), logger: newClient(server).logger }), (e: unknown) => e instanceof ValidationError && e.code === 'bad-url' && /https:\/\//.test(e.message));
      assert.throws(() => TrailBaseClient.validateServerUrl(url), ValidationError);
    }
  });

  it('never writes a token into a log line or an error message', async () => {
    const a = await signedInClient(server);
    await a.client.refresh();
    const teams = a.client.records('teams', teamSchema);
    const errors: unknown[] = [];
    errors.push(await teams.read('AZMrGrXwfD6_EP_______w==').catch((e: unknown) => e));
    errors.push(await a.client.records('nope', teamSchema).list().catch((e: unknown) => e));
    errors.push(await a.client.login(a.email, 'wrong password').catch((e: unknown) => e));
    const tokens = [...a.store.history];
    await a.client.logout();
    await server.resetStats();
    errors.push(await a.client.refresh().catch((e: unknown) => e));
    assert.equal(count(await server.stats(), REFRESH), 0, 'no refresh without a session');
    assert.equal(errors.filter((e) => e instanceof Error).length, errors.length);
    assert.ok(a.logger.lines.length > 0, 'something was logged');
    assertNoSecrets([...a.logger.lines, ...errors.flatMap(errorTexts)], tokens);
  });
});
