// Auth v1 through the official `trailbase` client 0.12.1 and raw HTTP: sign-up with verification,
// login, refresh without rotation, logout, status, token lifetimes, and record APIs answering 403
// (never 401) to a missing, invalid or expired token.
import assert from 'node:assert/strict';
import { FetchError, initClient } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { PASSWORD, raw, signedInUser, uniqueEmail } from './helpers';

function decodeClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

async function register(server: TestServer, email: string, password = PASSWORD, repeat = password): Promise<Response> {
  return raw(server, '/api/auth/v1/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, password_repeat: repeat }),
  });
}

describe('conformance: auth v1', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ autoVerify: false, args: ['--auth-token-ttl', '3600'] });
  });
  after(async () => server.stop());

  it('register answers plain "registered", and login stays 401 until the emailed link is opened', async () => {
    const email = uniqueEmail('verify');
    const res = await register(server, email);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'registered');
    const client = initClient(server.url);
    await assert.rejects(client.login(email, PASSWORD), (e: unknown) => e instanceof FetchError && e.status === 401);
    // Registering the same address again still "succeeds" and reveals nothing.
    assert.equal((await register(server, email)).status, 200);
    const mail = (await (await raw(server, '/__test__/mail')).json()) as { to: string; link: string }[];
    const link = mail.find((m) => m.to === email)?.link;
    assert.ok(link);
    assert.ok(link.startsWith(`${server.url}/api/auth/v1/verify_email/confirm/`));
    assert.equal((await fetch(link)).status, 200);
    await client.login(email, PASSWORD);
    assert.equal(client.user()?.email, email);
    assert.equal((await fetch(link)).status, 400, 'a link works once');
  });

  it('rejects mismatched, short and long passwords and bad emails with 400 and a reason', async () => {
    const mismatch = await register(server, uniqueEmail('pw'), PASSWORD, `${PASSWORD}x`);
    assert.equal(mismatch.status, 400);
    assert.match(await mismatch.text(), /match/);
    assert.equal((await register(server, uniqueEmail('pw'), 'short')).status, 400);
    assert.equal((await register(server, uniqueEmail('pw'), 'x'.repeat(129))).status, 400);
    assert.equal((await register(server, 'not-an-email')).status, 400);
  });

  it('issues an EdDSA JWT with sub (padded url-safe base64), iat, exp, type, email and a 20-char csrf_token', async () => {
    const u = await signedInUser(server, 'claims');
    const tokens = u.client.tokens();
    assert.ok(tokens);
    const header = JSON.parse(Buffer.from(tokens.auth_token.split('.')[0], 'base64url').toString()) as { alg: string };
    assert.equal(header.alg, 'EdDSA');
    const claims = decodeClaims(tokens.auth_token);
    assert.equal(claims.sub, u.id);
    assert.match(String(claims.sub), /^[A-Za-z0-9_-]{22}==$/);
    assert.equal(claims.email, u.email);
    assert.equal(claims.type, 1);
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.match(String(claims.csrf_token), /^[A-Za-z0-9]{20}$/);
    assert.match(String(tokens.refresh_token), /^[A-Za-z0-9]{86}$/);
    assert.equal(u.client.user()?.id, u.id);
  });

  it('login accepts {email} (client 0.12.1) and {email_or_username} (newer clients)', async () => {
    const u = await signedInUser(server, 'both');
    const res = await raw(server, '/api/auth/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email_or_username: u.email, password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['auth_token', 'csrf_token', 'refresh_token']);
  });

  it('wrong password is 401; a fourth failure within a minute is 429', async () => {
    const email = uniqueEmail('throttle');
    await server.createVerifiedUser(email, PASSWORD);
    const client = initClient(server.url);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(client.login(email, 'wrong-password'), (e: unknown) => e instanceof FetchError && e.status === 401);
    }
    await assert.rejects(client.login(email, PASSWORD), (e: unknown) => e instanceof FetchError && e.status === 429);
  });

  it('answers 401 and 429 with no body, and counts failures only against an account that exists', async () => {
    const email = uniqueEmail('empty-bodies');
    await server.createVerifiedUser(email, PASSWORD);
    const login = (address: string, password: string) =>
      fetch(`${server.url}/api/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: address, password }) });
    const nobody = uniqueEmail('nobody');
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) unknown.push((await login(nobody, 'wrong-password')).status);
    assert.deepEqual(unknown, [401, 401, 401, 401, 401], 'no account, nothing to throttle');
    const known: [number, string][] = [];
    for (let i = 0; i < 4; i++) {
      const res = await login(email, 'wrong-password');
      known.push([res.status, await res.text()]);
    }
    assert.deepEqual(known, [[401, ''], [401, ''], [401, ''], [429, '']]);
  });

  it('refresh mints a new auth token and keeps the same refresh token', async () => {
    const u = await signedInUser(server, 'refresh');
    const before = u.client.tokens();
    await new Promise((r) => setTimeout(r, 1100)); // iat has one-second resolution
    await u.client.refreshAuthToken({ force: true });
    const after = u.client.tokens();
    assert.ok(before && after);
    assert.notEqual(after.auth_token, before.auth_token);
    assert.equal(after.refresh_token, before.refresh_token);
    assert.ok(Number(decodeClaims(after.auth_token).iat) > Number(decodeClaims(before.auth_token).iat));
  });

  it('logout ends the session: the refresh token then answers 401', async () => {
    const u = await signedInUser(server, 'logout');
    const refresh = u.client.tokens()?.refresh_token;
    assert.ok(refresh);
    await u.client.logout();
    assert.equal(u.client.tokens(), undefined);
    const res = await raw(server, '/api/auth/v1/refresh', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: refresh }),
    });
    assert.equal(res.status, 401);
  });

  it('status echoes tokens, minting a fresh auth token when a refresh token comes along', async () => {
    const u = await signedInUser(server, 'status');
    const t = u.client.tokens();
    assert.ok(t?.refresh_token);
    const withRefresh = (await (await raw(server, '/api/auth/v1/status', {
      token: t.auth_token, headers: { 'refresh-token': t.refresh_token },
    })).json()) as Record<string, string | null>;
    assert.equal(withRefresh.refresh_token, t.refresh_token);
    assert.equal(decodeClaims(String(withRefresh.auth_token)).sub, u.id);
    const anonymous = (await (await raw(server, '/api/auth/v1/status')).json()) as Record<string, null>;
    assert.deepEqual(anonymous, { auth_token: null, refresh_token: null, csrf_token: null });
  });

  it('record APIs answer 403, never 401, to missing, garbled and forged tokens', async () => {
    const u = await signedInUser(server, 'forged');
    const [h, , s] = (u.client.tokens()?.auth_token ?? '').split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...decodeClaims(u.client.tokens()?.auth_token ?? ''), exp: 9e9 })).toString('base64url');
    for (const tok of [undefined, 'garbage', `${h}.${forgedPayload}.${s}`]) {
      const res = await raw(server, '/api/records/v1/teams', { token: tok });
      assert.equal(res.status, 403, `token ${tok?.slice(0, 10)}`);
    }
  });
});

describe('conformance: email verification link and short token lifetimes', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ autoVerify: true, authTokenTtlSec: 2, refreshTokenTtlSec: 4 });
  });
  after(async () => server.stop());

  it('with --auto-verify a registered user can log in right away', async () => {
    const email = uniqueEmail('auto');
    assert.equal((await register(server, email)).status, 200);
    const client = initClient(server.url);
    await client.login(email, PASSWORD);
    assert.equal(client.user()?.email, email);
  });

  it('an expired auth token is anonymous to record APIs (403), and the client refreshes it by itself', async () => {
    const u = await signedInUser(server, 'expiry');
    const first = u.client.tokens()?.auth_token ?? '';
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await raw(server, '/api/records/v1/teams', { token: first })).status, 403);
    // exp - 60 < now, so the client POSTs /refresh before the request.
    const list = await u.client.records('teams').list();
    assert.deepEqual(list.records, []);
    assert.notEqual(u.client.tokens()?.auth_token, first);
  });

  it('an expired refresh token answers 401 and the client signs out', async () => {
    const u = await signedInUser(server, 'refresh-expiry');
    let signedOut = false;
    const client = initClient(server.url, { tokens: u.client.tokens(), onAuthChange: (_c, user) => { signedOut = user === undefined; } });
    await new Promise((r) => setTimeout(r, 5000));
    await client.records('teams').list().catch(() => undefined);
    assert.equal(signedOut, true);
    assert.equal(client.tokens(), undefined);
  }).timeout(15000);
});
