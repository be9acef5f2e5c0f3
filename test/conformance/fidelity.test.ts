// Where the local server used to differ from TrailBase v0.33 in ways a user or a migration would meet.
// Each case names the TrailBase source it follows.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initClient } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { PASSWORD, raw, signedInUser, token, type SignedIn } from './helpers';

function depotWith(migrations: Record<string, string>, config: string): string {
  const depot = mkdtempSync(join(tmpdir(), 'focusflow-depot-'));
  mkdirSync(join(depot, 'migrations', 'main'), { recursive: true });
  for (const [file, sql] of Object.entries(migrations)) writeFileSync(join(depot, 'migrations', 'main', file), sql);
  writeFileSync(join(depot, 'config.textproto'), config);
  return depot;
}

describe('conformance: email addresses as TrailBase validates them', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  const register = (email: string) =>
    raw(server, '/api/auth/v1/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, password_repeat: PASSWORD }),
    });

  // auth/util.rs `validate_and_normalize_email_address` and extension/src/validators.rs `is_email` use the
  // validator crate's ValidateEmail (the HTML spec's address: hostname labels, one is enough).
  it('accepts a domain without a dot (admin@localhost): sign-up, then sign-in', async () => {
    const email = `admin-${Date.now()}@localhost`;
    const res = await register(email);
    assert.equal(res.status, 200, await res.text());
    await initClient(server.url).login(email, PASSWORD);
  });

  it('accepts an IP literal and an internationalised domain; refuses what the crate refuses with 400 "Invalid email"', async () => {
    for (const ok of [`ip-${Date.now()}@[127.0.0.1]`, `idn-${Date.now()}@bücher.example`]) {
      assert.equal((await register(ok)).status, 200, ok);
    }
    for (const bad of ['no-at-sign', 'two@@example.com', 'space in@example.com', 'x@-dash.example', `${'l'.repeat(65)}@example.com`, 'x@exa_mple.com']) {
      const res = await register(bad);
      assert.equal(res.status, 400, bad);
      assert.equal(await res.text(), 'Invalid email', bad);
    }
  });

  it('password policy as password.rs `validate_password_policy`: the repeat is checked first, lengths count UTF-8 bytes', async () => {
    const at = (password: string, repeat = password) =>
      raw(server, '/api/auth/v1/register', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `pw-${Date.now()}-${Math.random()}@example.com`, password, password_repeat: repeat }),
      });
    const mismatch = await at('short', 'other');
    assert.equal(await mismatch.text(), "Passwords don't match");
    assert.equal((await at('ääää')).status, 200, 'four two-byte letters are 8 bytes');
    const long = await at('ä'.repeat(65));
    assert.equal(long.status, 400);
    assert.equal(await long.text(), 'Password too long', '130 bytes');
  });

  it('login validates the address too: a malformed one is 400 "Invalid email", not 401 (login.rs `login_handler`)', async () => {
    const res = await raw(server, '/api/auth/v1/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a b@example.com', password: PASSWORD }),
    });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'Invalid email');
  });
});

describe('conformance: refused refresh tokens', function () {
  // auth/tokens.rs `reauth_with_refresh_token` answers an unknown or expired refresh token with
  // AuthError::Unauthorized, which auth/error.rs sends as a 401 with no body, for /refresh and /status alike.
  it('are an empty 401 on refresh and on status', async () => {
    const server = await startTestServer();
    try {
      const u = await signedInUser(server, 'refresh-401');
      const refresh = await raw(server, '/api/auth/v1/refresh', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: 'x'.repeat(86) }),
      });
      assert.equal(refresh.status, 401);
      assert.equal(await refresh.text(), '');
      const status = await raw(server, '/api/auth/v1/status', { token: token(u), headers: { 'refresh-token': 'x'.repeat(86) } });
      assert.equal(status.status, 401);
      assert.equal(await status.text(), '');
    } finally {
      await server.stop();
    }
  });
});

describe('conformance: migrations run with foreign keys off and are checked after', function () {
  this.timeout(60_000);
  // crates/refinery/src/drivers/rusqlite.rs `Transaction::execute`: foreign_keys=OFF on the connection,
  // the migration in a transaction, `PRAGMA foreign_key_check` before commit, foreign_keys back ON.
  const BASE = `
    CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
    CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id) ON DELETE CASCADE) STRICT;
    INSERT INTO parents (id, name) VALUES (1, 'one');
    INSERT INTO children (id, parent) VALUES (10, 1);`;
  // SQLite's twelve-step table rebuild: with foreign keys on, DROP TABLE parents would cascade to children.
  const REBUILD = `
    CREATE TABLE parents_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT) STRICT;
    INSERT INTO parents_new (id, name) SELECT id, name FROM parents;
    DROP TABLE parents;
    ALTER TABLE parents_new RENAME TO parents;`;
  const CONFIG = 'record_apis: [{ name: "children" table_name: "children" acl_world: [READ] }]';

  it('a migration that rebuilds a referenced table keeps the referencing rows', async () => {
    const depot = depotWith({ 'U1700000000__base.sql': BASE, 'U1700000001__rebuild.sql': REBUILD }, CONFIG);
    const server = await startTestServer({ args: ['--depot', depot] });
    try {
      const list = (await (await raw(server, '/api/records/v1/children')).json()) as { records: { id: number; parent: number }[] };
      assert.deepEqual(list.records, [{ id: 10, parent: 1 }], 'the child survived its parent table being rebuilt');
    } finally {
      await server.stop();
      rmSync(depot, { recursive: true, force: true });
    }
  });

  it('a migration that leaves a dangling reference fails, and the server does not start', async () => {
    const depot = depotWith({ 'U1700000000__base.sql': BASE, 'U1700000001__dangling.sql': 'INSERT INTO children (id, parent) VALUES (11, 99);' }, CONFIG);
    try {
      await assert.rejects(startTestServer({ args: ['--depot', depot] }), /FK violations/);
    } finally {
      rmSync(depot, { recursive: true, force: true });
    }
  });
});

describe('conformance: 64-bit integers are stored and returned exactly', function () {
  // schema/src/json.rs `flat_json_to_value` reads a JSON integer as i64 and `value_to_flat_json` writes
  // an INTEGER back as serde_json's exact i64; nothing passes through a float.
  const BIG = '9007199254740993'; // 2^53 + 1: a JavaScript number would read it as ...992
  const MIGRATION = `
    CREATE TABLE counters (
      id    INTEGER PRIMARY KEY,
      owner BLOB REFERENCES _user(id),
      value INTEGER NOT NULL
    ) STRICT;`;
  const CONFIG = `record_apis: [{
    name: "counters" table_name: "counters" enable_subscriptions: true
    autofill_missing_user_id_columns: true acl_authenticated: [CREATE, READ, UPDATE, DELETE]
  }]`;
  let depot: string;
  let server: TestServer;
  let user: SignedIn;
  before(async () => {
    depot = depotWith({ 'U1700000000__counters.sql': MIGRATION }, CONFIG);
    server = await startTestServer({ args: ['--depot', depot] });
    user = await signedInUser(server, 'int64');
  });
  after(async () => {
    await server.stop();
    rmSync(depot, { recursive: true, force: true });
  });

  const send = (method: string, path: string, body?: string) =>
    raw(server, `/api/records/v1/counters${path}`, {
      method, token: token(user), ...(body ? { headers: { 'content-type': 'application/json' }, body } : {}),
    });

  it(`${BIG} round-trips through create, read, list and update, as the exact digits on the wire`, async () => {
    const created = await send('POST', '', `{"value": ${BIG}}`);
    assert.equal(created.status, 200, await created.clone().text());
    const { ids } = (await created.json()) as { ids: string[] };
    const read = await (await send('GET', `/${ids[0]}`)).text();
    assert.match(read, new RegExp(`"value":${BIG}\\b`), read);
    const list = await (await send('GET', '')).text();
    assert.match(list, new RegExp(`"value":${BIG}\\b`), list);
    assert.equal((await send('PATCH', `/${ids[0]}`, '{"value": -9223372036854775808}')).status, 200);
    assert.match(await (await send('GET', `/${ids[0]}`)).text(), /"value":-9223372036854775808\b/);
  });

  it('a list filter on a value above 2^53 matches it exactly (qs/src/value.rs parses filters with i64::from_str)', async () => {
    await send('POST', '', '{"value": 9007199254740995}');
    await send('POST', '', '{"value": 9007199254740996}');
    const res = await send('GET', '?filter[value]=9007199254740995');
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /"value":9007199254740995\b/);
    assert.doesNotMatch(text, /9007199254740996/);
  });

  it('an INTEGER key above 2^53 is its own record, and the reply names it exactly', async () => {
    const created = await send('POST', '', `{"id": ${BIG}, "value": 1}`);
    assert.equal(created.status, 200);
    assert.deepEqual(((await created.json()) as { ids: string[] }).ids, [BIG]);
    const read = await (await send('GET', `/${BIG}`)).text();
    assert.match(read, new RegExp(`"id":${BIG}\\b`));
    assert.equal((await send('GET', '/9007199254740992')).status, 404, 'its float neighbour is another key');
  });

  it('a subscriber hears the exact value, on insert and on delete', async () => {
    const res = await raw(server, '/api/records/v1/counters/subscribe/*', { token: token(user) });
    const reader = res.body!.getReader();
    let seen = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${seen}`);
        seen += Buffer.from(value).toString();
      }
    };
    const created = await send('POST', '', '{"value": 9223372036854775807}');
    const [id] = ((await created.json()) as { ids: string[] }).ids;
    await until(/"Insert":\{[^}]*"value":9223372036854775807\b/);
    await send('DELETE', `/${id}`);
    await until(/"Delete":\{[^}]*"value":9223372036854775807\b/);
    await reader.cancel();
  });
});
