// TrailBase semantics the kit does not exercise, on a throw-away depot run through `--depot`:
// INTEGER keys, world ACLs, `_REQ_FIELDS_`, excluded columns, and what conflict_resolution ABORT
// and IGNORE do to single, bulk and transactional creates (the reason the kit uses REPLACE).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FetchError, initClient } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { clientId, raw, signedInUser, token, type SignedIn } from './helpers';

const MIGRATION = `
CREATE TABLE notes (
  id     INTEGER PRIMARY KEY,
  owner  BLOB REFERENCES _user(id),
  body   TEXT NOT NULL,
  secret TEXT
) STRICT;
CREATE TABLE tags (
  id   BLOB PRIMARY KEY NOT NULL CHECK(is_uuid_v7(id)) DEFAULT (uuid_v7()),
  name TEXT NOT NULL
) STRICT;
`;

const CONFIG = `
server { enable_record_transactions: true }
record_apis: [{
  name: "notes"
  table_name: "notes"
  autofill_missing_user_id_columns: true
  excluded_columns: ["secret"]
  acl_world: [READ]
  acl_authenticated: [CREATE, READ, UPDATE]
  update_access_rule: "_ROW_.owner = _USER_.id AND 'owner' NOT IN _REQ_FIELDS_"
}, {
  name: "tags"
  table_name: "tags"
  conflict_resolution: IGNORE
  acl_authenticated: [CREATE, READ]
}]
`;

const isStatus = (status: number) => (e: unknown) => e instanceof FetchError && e.status === status;

describe('local server: TrailBase rule and conflict semantics on a custom depot', function () {
  let depot: string;
  let server: TestServer;
  let user: SignedIn;
  before(async () => {
    depot = mkdtempSync(join(tmpdir(), 'focusflow-depot-'));
    mkdirSync(join(depot, 'migrations', 'main'), { recursive: true });
    writeFileSync(join(depot, 'migrations', 'main', 'U1700000000__notes.sql'), MIGRATION);
    writeFileSync(join(depot, 'config.textproto'), CONFIG);
    server = await startTestServer({ args: ['--depot', depot] });
    user = await signedInUser(server, 'rules');
  });
  after(async () => {
    await server.stop();
    rmSync(depot, { recursive: true, force: true });
  });

  it('INTEGER keys come back as decimal strings; excluded columns never leave the server', async () => {
    const id = await user.client.records('notes').create({ body: 'hello', secret: 'hidden' });
    assert.match(String(id), /^\d+$/);
    const note = (await user.client.records('notes').read(String(id))) as Record<string, unknown>;
    assert.equal(note.body, 'hello');
    assert.equal(note.owner, user.id, 'autofilled with the caller');
    assert.equal('secret' in note, false);
  });

  it('acl_world READ lets anonymous callers list', async () => {
    const list = await initClient(server.url).records('notes').list();
    assert.ok(list.records.length >= 1);
  });

  it('_REQ_FIELDS_ names the fields a request carried', async () => {
    const id = String(await user.client.records('notes').create({ body: 'mine' }));
    await user.client.records('notes').update(id, { body: 'edited' });
    await assert.rejects(user.client.records('notes').update(id, { body: 'x', owner: user.id }), isStatus(403));
  });

  it('ABORT (the default): a duplicate key is 400 "db constraint: pk"', async () => {
    const id = String(await user.client.records('notes').create({ body: 'once' }));
    const res = await raw(server, '/api/records/v1/notes', {
      method: 'POST', token: token(user), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: Number(id), body: 'twice' }),
    });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'db constraint: pk');
  });

  it('IGNORE: a retried single create is 404, a bulk with a duplicate fails whole (500), a transaction reports {Error}', async () => {
    const tags = user.client.records('tags');
    const id = clientId();
    assert.equal(await tags.create({ id, name: 'a' }), id);
    await assert.rejects(tags.create({ id, name: 'a again' }), isStatus(404));
    const fresh = clientId();
    await assert.rejects(tags.createBulk([{ id: fresh, name: 'b' }, { id, name: 'dup' }]), isStatus(500));
    await assert.rejects(tags.read(fresh), isStatus(404), 'the bulk was rolled back');
    const res = await raw(server, '/api/transaction/v1/execute', {
      method: 'POST', token: token(user), headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operations: [{ Create: { api_name: 'tags', value: { id, name: 'dup' } } }, { Create: { api_name: 'tags', value: { id: fresh, name: 'c' } } }] }),
    });
    assert.deepEqual(await res.json(), { results: [{ Error: 'Query returned no rows' }, { Id: fresh }] });
  });

  it('a rule that is not valid SQL for its table stops the server at start', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'focusflow-depot-'));
    mkdirSync(join(bad, 'migrations', 'main'), { recursive: true });
    writeFileSync(join(bad, 'migrations', 'main', 'U1700000000__notes.sql'), MIGRATION);
    writeFileSync(join(bad, 'config.textproto'), 'record_apis { name: "notes" read_access_rule: "_ROW_.nope = 1" }');
    try {
      await assert.rejects(startTestServer({ args: ['--depot', bad] }), /did not start/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
