// Record APIs v1 through the official client: create/read/update/delete, list filters, ordering,
// cursor and offset pagination, counts, bulk create, idempotent retries with client ids, and
// transactions.
import assert from 'node:assert/strict';
import { FetchError } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { clientId, createTeam, join, raw, sessionRecord, signedInUser, token, type SignedIn, type Team } from './helpers';

type Row = Record<string, unknown>;
const isStatus = (status: number) => (e: unknown) => e instanceof FetchError && e.status === status;

describe('conformance: record APIs with the official client', function () {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let team: Team;
  before(async () => {
    server = await startTestServer();
    alice = await signedInUser(server, 'alice');
    bob = await signedInUser(server, 'bob');
    team = await createTeam(alice, 'Records');
    await join(bob, team);
  });
  after(async () => server.stop());

  it('creates, reads, updates and deletes a shared session', async () => {
    const api = alice.client.records('shared_sessions');
    const record = sessionRecord(team, alice, 1);
    const id = await api.create(record);
    assert.equal(id, record.id, 'the client-generated id is kept');
    const read = (await api.read(id)) as Row;
    assert.equal(read.local_session_id, record.local_session_id);
    assert.equal(read.completed, 1);
    assert.equal(read.deleted, 0);
    assert.equal(typeof read.updated_at, 'number');
    await api.update(id, { actual_duration_seconds: 1200, deleted: true });
    const updated = (await api.read(id)) as Row;
    assert.equal(updated.actual_duration_seconds, 1200);
    assert.equal(updated.deleted, 1);
    assert.ok(Number(updated.updated_at) > Number(read.updated_at), 'updated_at moves forward on every write');
    await api.delete(id);
    await assert.rejects(api.read(id), isStatus(403), 'a missing row fails the read rule: 403, as on TrailBase');
  });

  it('accepts a hyphenated UUID as the record id in the path', async () => {
    const api = alice.client.records('shared_sessions');
    const id = String(await api.create(sessionRecord(team, alice, 2)));
    const hex = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    assert.equal(((await api.read(uuid)) as Row).id, id);
  });

  it('a retried create with the same client id replaces instead of duplicating (conflict_resolution REPLACE)', async () => {
    const api = alice.client.records('shared_sessions');
    const record = sessionRecord(team, alice, 3);
    const first = await api.create(record);
    const again = await api.create({ ...record, actual_duration_seconds: 1499 });
    assert.equal(again, first);
    const list = await api.list({ filters: [{ column: 'local_session_id', value: String(record.local_session_id) }], count: true });
    assert.equal(list.total_count, 1);
    assert.equal((list.records[0] as Row).actual_duration_seconds, 1499);
    // The same local session shared again under a new id is a unique violation, not a duplicate.
    await assert.rejects(api.create({ ...record, id: clientId() }), isStatus(400));
  });

  it('a retried team create or join keeps one team, one owner and one membership', async () => {
    const id = clientId();
    await alice.client.records('teams').create({ id, name: 'Retried' });
    await alice.client.records('teams').create({ id, name: 'Retried' });
    const owners = await alice.client.records('members').list({ filters: [{ column: 'team', value: id }] });
    assert.deepEqual((owners.records as Row[]).map((m) => m.role), ['owner']);
    const code = String(((await alice.client.records('teams').read(id)) as Row).invite_code);
    const joinId = clientId();
    await bob.client.records('join_requests').create({ id: joinId, invite_code: code });
    await bob.client.records('join_requests').create({ id: joinId, invite_code: code });
    const members = await alice.client.records('members').list({ filters: [{ column: 'team', value: id }], count: true });
    assert.equal(members.total_count, 2);
  });

  it('bulk-creates an array in one request and returns the ids in order', async () => {
    const records = Array.from({ length: 50 }, (_, i) => sessionRecord(team, bob, 100 + i));
    const ids = await bob.client.records('shared_sessions').createBulk(records);
    assert.deepEqual(ids, records.map((r) => r.id));
  });

  it('a bulk create over 1024 records is refused with 400 and creates nothing', async () => {
    const records = Array.from({ length: 1025 }, (_, i) => sessionRecord(team, bob, 2000 + i));
    await assert.rejects(bob.client.records('shared_sessions').createBulk(records), isStatus(400));
    const res = await bob.client.records('shared_sessions').list({ filters: [{ column: 'local_session_id', value: String(records[0].local_session_id) }] });
    assert.equal(res.records.length, 0);
  });

  describe('listing', function () {
    let mine: Row[];
    before(async () => {
      const other = await createTeam(alice, 'Listing');
      team = other;
      mine = Array.from({ length: 30 }, (_, i) => sessionRecord(other, alice, i, {
        planned_duration_minutes: 10 + i, completed: i % 2 === 0, ...(i % 5 === 0 ? { end_time: null } : {}),
      }));
      await alice.client.records('shared_sessions').createBulk(mine);
    });
    const list = (opts: Parameters<ReturnType<SignedIn['client']['records']>['list']>[0]) =>
      alice.client.records('shared_sessions').list({ ...opts, filters: [{ column: 'team', value: team.id }, ...(opts?.filters ?? [])] });

    it('filters with $eq $ne $gt $gte $lt $lte $like $is and nested $and/$or', async () => {
      const count = async (filters: NonNullable<Parameters<typeof list>[0]>['filters']) => (await list({ filters, count: true, pagination: { limit: 1 } })).total_count;
      assert.equal(await count([{ column: 'planned_duration_minutes', op: 'greaterThan', value: '30' }]), 9);
      assert.equal(await count([{ column: 'planned_duration_minutes', op: 'greaterThanEqual', value: '30' }]), 10);
      assert.equal(await count([{ column: 'planned_duration_minutes', op: 'lessThan', value: '15' }]), 5);
      assert.equal(await count([{ column: 'planned_duration_minutes', op: 'lessThanEqual', value: '15' }]), 6);
      assert.equal(await count([{ column: 'completed', op: 'notEqual', value: '1' }]), 15);
      assert.equal(await count([{ column: 'completed', value: '1' }]), 15);
      assert.equal(await count([{ column: 'local_session_id', op: 'like', value: 'local-2%' }]), 11);
      assert.equal(await count([{ column: 'local_session_id', op: 'like', value: 'LOCAL-2%' }]), 0, 'TrailBase turns case_sensitive_like on');
      assert.equal(await count([{ or: [{ column: 'planned_duration_minutes', value: '10' }, { column: 'planned_duration_minutes', value: '39' }] }]), 2);
      assert.equal(await count([{ and: [{ column: 'completed', value: '1' }, { or: [{ column: 'planned_duration_minutes', value: '10' }, { column: 'planned_duration_minutes', value: '11' }] }] }]), 1);
      const nulls = await raw(server, `/api/records/v1/shared_sessions?filter[team]=${encodeURIComponent(team.id)}&filter[end_time][$is]=NULL&count=true`, { token: token(alice) });
      assert.equal(((await nulls.json()) as { total_count: number }).total_count, 6);
      const notNull = await raw(server, `/api/records/v1/shared_sessions?filter[team]=${encodeURIComponent(team.id)}&filter[end_time][$is]=!NULL&count=true`, { token: token(alice) });
      assert.equal(((await notNull.json()) as { total_count: number }).total_count, 24);
    });

    it('orders by up to five columns, ascending or descending', async () => {
      const asc = (await list({ order: ['planned_duration_minutes'], pagination: { limit: 3 } })).records as Row[];
      assert.deepEqual(asc.map((r) => r.planned_duration_minutes), [10, 11, 12]);
      const desc = (await list({ order: ['-completed', '-planned_duration_minutes'], pagination: { limit: 3 } })).records as Row[];
      assert.deepEqual(desc.map((r) => r.planned_duration_minutes), [38, 36, 34]);
    });

    it('pages with cursors in primary-key order and returns every row exactly once', async () => {
      const seen: unknown[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await list({ pagination: { limit: 7, cursor } });
        seen.push(...(res.records as Row[]).map((r) => r.id));
        if (res.records.length < 7) break;
        cursor = res.cursor;
        assert.ok(cursor);
      }
      assert.equal(seen.length, 30);
      assert.equal(new Set(seen).size, 30);
      const expected = mine.map((r) => String(r.id)).sort((a, b) => Buffer.compare(Buffer.from(b, 'base64url'), Buffer.from(a, 'base64url')));
      assert.deepEqual(seen, expected, 'default order is primary key descending');
    });

    it('cursors follow rowids (as on TrailBase): ids that sort unlike their insertion order get skipped', async () => {
      // Ids inserted in reverse order: pk order and rowid order disagree, so a pull must not use cursors.
      const reversed = Array.from({ length: 6 }, (_, i) => sessionRecord(team, alice, 900 + i)).reverse();
      const skew = await createTeam(alice, 'Skew');
      for (const r of reversed) r.team = skew.id;
      await alice.client.records('shared_sessions').createBulk(reversed);
      const filters = [{ column: 'team', value: skew.id }];
      const first = await alice.client.records('shared_sessions').list({ filters, pagination: { limit: 3 } });
      const second = await alice.client.records('shared_sessions').list({ filters, pagination: { limit: 3, cursor: first.cursor } });
      assert.ok(first.records.length + second.records.length < 6);
    });

    it('pages with offset under a custom order, where cursors are refused', async () => {
      const a = (await list({ order: ['planned_duration_minutes'], pagination: { limit: 10, offset: 10 } })).records as Row[];
      assert.deepEqual(a.map((r) => r.planned_duration_minutes), [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
      const first = await list({ pagination: { limit: 2 } });
      await assert.rejects(list({ order: ['planned_duration_minutes'], pagination: { cursor: first.cursor } }), isStatus(400));
    });

    it('supports keyset pulls on updated_at, which is strictly increasing per table', async () => {
      const rows = (await list({ order: ['updated_at'], pagination: { limit: 1024 } })).records as Row[];
      const stamps = rows.map((r) => Number(r.updated_at));
      for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i] > stamps[i - 1], 'no two rows share an updated_at');
      const after = await list({ order: ['updated_at'], filters: [{ column: 'updated_at', op: 'greaterThan', value: String(stamps[19]) }] });
      assert.deepEqual((after.records as Row[]).map((r) => r.id), rows.slice(20).map((r) => r.id));
    });

    it('answers an empty page with total_count 0 and no cursor', async () => {
      const res = await raw(server, '/api/records/v1/shared_sessions?filter[local_session_id]=nothing-like-this', { token: token(alice) });
      assert.deepEqual(await res.json(), { total_count: 0, records: [] });
    });
  });

  it('transactions: client.execute applies creates, updates and deletes atomically', async () => {
    const api = alice.client.records('shared_sessions');
    const keep = sessionRecord(team, alice, 500);
    const existing = await api.create(sessionRecord(team, alice, 501));
    const doomed = await api.create(sessionRecord(team, alice, 502));
    // client 0.12.1 reads `.ids` from the reply, which TrailBase v0.31+ calls `results`: so the
    // promise resolves to undefined and the effects are checked by reading back.
    const reply = await alice.client.execute([api.createOp(keep), api.updateOp(existing, { completed: false }), api.deleteOp(doomed)]);
    assert.equal(reply, undefined);
    assert.equal(((await api.read(String(keep.id))) as Row).local_session_id, keep.local_session_id);
    assert.equal(((await api.read(existing)) as Row).completed, 0);
    await assert.rejects(api.read(doomed), isStatus(403));
  });

  it('transactions: the raw reply has one {Id} per operation, and a failing operation rolls back all with 500', async () => {
    const ok = sessionRecord(team, alice, 600);
    const body = (operations: unknown[]) => JSON.stringify({ operations, transaction: true });
    const res = await raw(server, '/api/transaction/v1/execute', {
      method: 'POST', token: token(alice), headers: { 'content-type': 'application/json' },
      body: body([{ Create: { api_name: 'shared_sessions', value: ok } }, { Update: { api_name: 'shared_sessions', record_id: ok.id, value: { completed: false } } }]),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { results: [{ Id: ok.id }, { Id: ok.id }] });
    const lost = sessionRecord(team, alice, 601);
    const foreign = sessionRecord(team, bob, 602); // alice may not write bob's session
    const bad = await raw(server, '/api/transaction/v1/execute', {
      method: 'POST', token: token(alice), headers: { 'content-type': 'application/json' },
      body: body([{ Create: { api_name: 'shared_sessions', value: lost } }, { Create: { api_name: 'shared_sessions', value: foreign } }]),
    });
    assert.equal(bad.status, 500);
    await assert.rejects(alice.client.records('shared_sessions').read(String(lost.id)), isStatus(403));
  });

  it('transactions: more than 128 operations is 400', async () => {
    const ops = Array.from({ length: 129 }, (_, i) => ({ Create: { api_name: 'shared_sessions', value: sessionRecord(team, alice, 700 + i) } }));
    const res = await raw(server, '/api/transaction/v1/execute', {
      method: 'POST', token: token(alice), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operations: ops }),
    });
    assert.equal(res.status, 400);
  });

  it('405 for an unknown API, and for writes to the team_activity VIEW, which lists fine', async () => {
    await assert.rejects(alice.client.records('no_such_api').list(), isStatus(405));
    await assert.rejects(alice.client.records('no_such_api').create({ a: 1 }), isStatus(405));
    await assert.rejects(alice.client.records('team_activity').create({ team: team.id }), isStatus(405));
    const activity = await alice.client.records('team_activity').list();
    assert.ok(activity.records.length >= 1);
    const id = String((activity.records[0] as Row).id);
    await assert.rejects(alice.client.records('team_activity').update(id, { session_count: 1 }), isStatus(405));
    await assert.rejects(alice.client.records('team_activity').delete(id), isStatus(405));
  });
});
