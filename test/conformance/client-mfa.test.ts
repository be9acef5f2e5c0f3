// FocusFlow's TrailBase client signing in an account that needs a second factor, against the local
// server (which answers as TrailBase v0.33's login.rs does): the typed "code needed" error and its
// pending sign-in, completing it, a code given up front, wrong, malformed and lapsed codes.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { AuthError, SecondFactorRequiredError, ValidationError } from '../../src/core/trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { newTotpSecret, totpCode } from '../server/totp';
import { assertNoSecrets, count, errorTexts, newClient, PASSWORD } from './clientFixtures';

const LOGIN_MFA = 'POST /api/auth/v1/login_mfa';
let users = 0;

async function totpUser(server: TestServer): Promise<{ email: string; id: string; secret: string }> {
  const email = `mfa-client-${++users}-${process.pid}@example.com`;
  const secret = newTotpSecret();
  const { id } = await server.createVerifiedUser(email, PASSWORD, { totpSecret: secret });
  return { email, id, secret };
}

function wrongCode(secret: string): string {
  const right = totpCode(secret);
  return right === '000000' ? '000001' : '000000';
}

describe('TrailBase client: two-factor sign-in against the local server', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('without a code: a typed "code needed" error that names the account and keeps the pending token to itself', async () => {
    const u = await totpUser(server);
    const { client, store, logger } = newClient(server);
    const err = await client.login(u.email, PASSWORD).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof SecondFactorRequiredError, String(err));
    assert.ok(err instanceof AuthError && err.code === 'mfa-required');
    assert.match(err.message, /6-digit code/);
    assert.ok(err.message.includes(u.email));
    assert.equal(store.saved, undefined, 'no session yet');
    assert.equal(client.user, undefined);
    const token = err.pending.token();
    assert.ok(token.length > 20);
    for (const text of [...errorTexts(err), inspect(err, { depth: 5, showHidden: true }), JSON.stringify(err.pending), ...logger.lines]) {
      assert.ok(!text.includes(token), `the pending token leaked into: ${text.slice(0, 200)}`);
    }

    const state = await client.completeSignIn(err.pending, totpCode(u.secret));
    assert.equal(state.user.id, u.id);
    assert.equal(store.history.at(-1)?.authToken !== undefined, true, 'the session is stored');
    assertNoSecrets([...logger.lines], store.history);
  });

  it('with the code given up front (credentials.totp), one call signs in', async () => {
    const u = await totpUser(server);
    const { client, store } = newClient(server);
    await server.resetStats();
    const state = await client.login(u.email, PASSWORD, totpCode(u.secret));
    assert.equal(state.user.id, u.id);
    assert.ok(store.saved);
    assert.equal(count(await server.stats(), LOGIN_MFA), 1);
  });

  it('a code typed with a space in the middle ("123 456") is accepted', async () => {
    const u = await totpUser(server);
    const code = totpCode(u.secret);
    const { client } = newClient(server);
    await client.login(u.email, PASSWORD, `${code.slice(0, 3)} ${code.slice(3)}`);
    assert.equal(client.user?.id, u.id);
  });

  it('a wrong code is "mfa-code-wrong", and the same pending sign-in then takes the right one', async () => {
    const u = await totpUser(server);
    const { client } = newClient(server);
    const pending = await client.login(u.email, PASSWORD).then(
      () => assert.fail('signed in without a code'),
      (e: unknown) => (e as SecondFactorRequiredError).pending,
    );
    await assert.rejects(client.completeSignIn(pending, wrongCode(u.secret)), (e: unknown) => e instanceof AuthError && e.code === 'mfa-code-wrong' && /not accepted/.test(e.message));
    assert.equal(client.user, undefined);
    const state = await client.completeSignIn(pending, totpCode(u.secret));
    assert.equal(state.user.id, u.id);
  });

  it('a code that is not 6 digits is refused before anything is sent, and so is the password with it', async () => {
    const u = await totpUser(server);
    const { client } = newClient(server);
    await server.resetStats();
    await assert.rejects(client.login(u.email, PASSWORD, '12345'), (e: unknown) => e instanceof ValidationError && e.code === 'bad-input' && /6-digit/.test(e.message));
    assert.deepEqual((await server.stats()).requests, {});
  });

  it('an account without a second factor signs in as before even when a code is given', async () => {
    const email = `mfa-none-${process.pid}@example.com`;
    const { id } = await server.createVerifiedUser(email, PASSWORD);
    const { client } = newClient(server);
    await client.login(email, PASSWORD, '123456');
    assert.equal(client.user?.id, id);
  });

  it('a pending sign-in that lapsed is "mfa-expired", with a message to start again', async () => {
    const lapsed = await startTestServer({ mfaTokenTtlSec: -61 });
    try {
      const u = await totpUser(lapsed);
      const { client } = newClient(lapsed);
      await assert.rejects(client.login(u.email, PASSWORD, totpCode(u.secret)), (e: unknown) => e instanceof AuthError && e.code === 'mfa-expired' && /Sign in again/.test(e.message));
      assert.equal(client.user, undefined);
    } finally {
      await lapsed.stop();
    }
  });
});
