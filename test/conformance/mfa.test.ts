// Two-factor sign-in on the local server, as TrailBase v0.33 does it (crates/core/src/auth/api/login.rs,
// `login_handler` and `login_mfa_handler`; `new_totp` in auth/api/totp.rs; `PendingAuthTokenClaims` in
// auth/jwt.rs), proven through the official `trailbase` client's `login` / `loginSecond` and raw HTTP.
import assert from 'node:assert/strict';
import { FetchError, initClient } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { newTotpSecret, totpCode } from '../server/totp';
import { PASSWORD, raw, uniqueEmail } from './helpers';

const STEP_MS = 30_000;

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

/** Waits out the last 3 s of a step, so the server checks the codes in the step they were made for. */
async function awayFromStepEdge(): Promise<void> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
}

async function post(server: TestServer, path: string, body: unknown): Promise<Response> {
  return raw(server, `/api/auth/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function totpUser(server: TestServer, prefix: string): Promise<{ email: string; id: string; secret: string }> {
  const email = uniqueEmail(prefix);
  const secret = newTotpSecret();
  const { id } = await server.createVerifiedUser(email, PASSWORD, { totpSecret: secret });
  return { email, id, secret };
}

async function mfaToken(server: TestServer, email: string): Promise<string> {
  const res = await post(server, 'login', { email, password: PASSWORD });
  assert.equal(res.status, 403);
  return ((await res.json()) as { mfa_token: string }).mfa_token;
}

describe('conformance: two-factor sign-in (login_mfa)', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  it('a right password of an account with a TOTP secret is 403 {mfa_token} and no session; the official client completes it with loginSecond', async () => {
    const u = await totpUser(server, 'mfa-ok');
    const client = initClient(server.url);
    const pending = await client.login(u.email, PASSWORD);
    assert.ok(pending?.token, 'login returns the pending token instead of signing in');
    assert.equal(client.user(), undefined);
    // login.rs: PendingAuthTokenClaims::new(user, DEFAULT_MFA_TOKEN_TTL = 2 min): sub, exp, type 2, method "pw".
    const c = claims(pending.token);
    assert.equal(c.sub, u.id);
    assert.equal(c.type, 2);
    assert.equal(c.method, 'pw');
    const ttl = Number(c.exp) - Date.now() / 1000;
    assert.ok(ttl > 110 && ttl <= 121, `the pending token lives 2 minutes, not ${ttl} s`);

    await client.loginSecond({ mfaToken: pending, totpCode: totpCode(u.secret) });
    assert.equal(client.user()?.id, u.id);
    // AuthTokenClaims::new sets `mfa` for users with a TOTP secret.
    assert.equal(client.user()?.mfa, true);
    assert.ok(await client.records('teams').list(), 'the session works');
  });

  it('a wrong password stays an empty 401, before any second factor', async () => {
    const u = await totpUser(server, 'mfa-pw');
    const res = await post(server, 'login', { email: u.email, password: `${PASSWORD}-wrong` });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), '');
  });

  it('accepts the codes of the previous, current and next 30 s step (skew 1) and refuses three steps away with an empty 401', async () => {
    const u = await totpUser(server, 'mfa-window');
    await awayFromStepEdge();
    const now = Date.now();
    for (const offset of [-STEP_MS, 0, STEP_MS]) {
      const res = await post(server, 'login_mfa', { mfa_token: await mfaToken(server, u.email), totp: totpCode(u.secret, now + offset) });
      assert.equal(res.status, 200, `code at ${offset / 1000} s`);
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['auth_token', 'csrf_token', 'refresh_token']);
    }
    // Outside the window unless it happens to be the same code as one inside (about 1 in 10^6).
    const token = await mfaToken(server, u.email);
    const far = totpCode(u.secret, now + 3 * STEP_MS);
    if ([-1, 0, 1, 2].every((k) => totpCode(u.secret, now + k * STEP_MS) !== far)) {
      const res = await post(server, 'login_mfa', { mfa_token: token, totp: far });
      assert.equal(res.status, 401);
      assert.equal(await res.text(), '');
    }
  });

  it('a wrong code leaves the pending token usable: TrailBase counts no failed codes', async () => {
    const u = await totpUser(server, 'mfa-retry');
    const token = await mfaToken(server, u.email);
    const right = totpCode(u.secret);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) assert.equal((await post(server, 'login_mfa', { mfa_token: token, totp: wrong })).status, 401);
    assert.equal((await post(server, 'login_mfa', { mfa_token: token, totp: right })).status, 200);
  });

  it('missing code is 400 "TOTP missing"; a bad, foreign or auth token is 401; JSON without mfa_token is 400', async () => {
    const u = await totpUser(server, 'mfa-errors');
    const token = await mfaToken(server, u.email);
    const missing = await post(server, 'login_mfa', { mfa_token: token });
    assert.equal(missing.status, 400);
    assert.equal(await missing.text(), 'TOTP missing');
    assert.equal((await post(server, 'login_mfa', { mfa_token: 'not-a-jwt', totp: totpCode(u.secret) })).status, 401);
    assert.equal((await post(server, 'login_mfa', { totp: '123456' })).status, 400);
    // An auth token is no pending token (different claims), and a pending token is no bearer token.
    const plain = uniqueEmail('mfa-plain');
    await server.createVerifiedUser(plain, PASSWORD);
    const session = (await (await post(server, 'login', { email: plain, password: PASSWORD })).json()) as { auth_token: string };
    assert.equal((await post(server, 'login_mfa', { mfa_token: session.auth_token, totp: totpCode(u.secret) })).status, 401);
    const asBearer = await raw(server, '/api/auth/v1/status', { token });
    assert.deepEqual(await asBearer.json(), { auth_token: null, refresh_token: null, csrf_token: null });
  });

  it('a pending token for an account without a TOTP secret is 424 (FailedDependency "TOTP not enabled")', async () => {
    // Reachable when two-factor sign-in is turned off between the two steps.
    const u = await totpUser(server, 'mfa-424');
    const token = await mfaToken(server, u.email);
    const res = await raw(server, '/__test__/users/totp', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: u.email }) });
    assert.equal(res.status, 200);
    const after = await post(server, 'login_mfa', { mfa_token: token, totp: totpCode(u.secret) });
    assert.equal(after.status, 424);
    assert.equal(await after.text(), '');
  });

  it('an expired pending token is 401, after the 60 s of leeway jsonwebtoken gives TrailBase', async () => {
    const expired = await startTestServer({ mfaTokenTtlSec: -61 });
    try {
      const u = await totpUser(expired, 'mfa-expired');
      const token = await mfaToken(expired, u.email);
      assert.equal((await post(expired, 'login_mfa', { mfa_token: token, totp: totpCode(u.secret) })).status, 401);
    } finally {
      await expired.stop();
    }
    const lenient = await startTestServer({ mfaTokenTtlSec: -30 });
    try {
      const u = await totpUser(lenient, 'mfa-leeway');
      const token = await mfaToken(lenient, u.email);
      assert.ok(Number(claims(token).exp) < Date.now() / 1000, 'already past exp');
      assert.equal((await post(lenient, 'login_mfa', { mfa_token: token, totp: totpCode(u.secret) })).status, 200, 'within the leeway');
    } finally {
      await lenient.stop();
    }
  });

  it('the official client surfaces a wrong code as FetchError 401', async () => {
    const u = await totpUser(server, 'mfa-client-wrong');
    const client = initClient(server.url);
    const pending = await client.login(u.email, PASSWORD);
    assert.ok(pending);
    const right = totpCode(u.secret);
    await assert.rejects(client.loginSecond({ mfaToken: pending, totpCode: right === '111111' ? '111112' : '111111' }), (e: unknown) => e instanceof FetchError && e.status === 401);
    assert.equal(client.user(), undefined);
  });
});
