// Bad input gets TrailBase's status codes (400 for bad bodies, types, queries and constraint
// violations, 413 for oversized bodies, 415/422 for the transaction endpoint's strict JSON) and the
// server keeps serving afterwards.
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../server/harness';
import { createTeam, raw, sessionRecord, signedInUser, token, type SignedIn, type Team } from './helpers';

describe('conformance: bad input', function () {
  let server: TestServer;
  let alice: SignedIn;
  let team: Team;
  const post = (path: string, body: string, contentType = 'application/json') =>
    raw(server, path, { method: 'POST', token: token(alice), headers: { 'content-type': contentType }, body });
  const get = (path: string) => raw(server, path, { token: token(alice) });
  const stillServing = async () => assert.equal((await get('/api/records/v1/shared_sessions?limit=1')).status, 200);

  before(async () => {
    server = await startTestServer();
    alice = await signedInUser(server, 'alice');
    team = await createTeam(alice, 'Bad input');
  });
  after(async () => server.stop());

  it('malformed JSON is 400 on records and transactions', async () => {
    assert.equal((await post('/api/records/v1/shared_sessions', '{"team": ')).status, 400);
    assert.equal((await post('/api/transaction/v1/execute', '{"operations": [')).status, 400);
    await stillServing();
  });

  it('a body that is not a record (string, number, array of numbers) is 400', async () => {
    for (const body of ['"text"', '42', '[1, 2]', 'null']) {
      assert.equal((await post('/api/records/v1/shared_sessions', body)).status, 400, body);
    }
  });

  it('the transaction endpoint wants JSON of the right shape: 415 without it, 422 for a wrong shape', async () => {
    assert.equal((await post('/api/transaction/v1/execute', '{"operations": []}', 'text/plain')).status, 415);
    assert.equal((await post('/api/transaction/v1/execute', '{"operations": [{"Upsert": {}}]}')).status, 422);
    assert.equal((await post('/api/transaction/v1/execute', '{"ops": []}')).status, 422);
  });

  it('values of the wrong type for their column are 400', async () => {
    const base = sessionRecord(team, alice, 1);
    const cases: Record<string, unknown>[] = [
      { planned_duration_minutes: 'twenty-five' },
      { planned_duration_minutes: 25.5 },
      { completed: 'yes' },
      { team: 'not base64!' },
      { start_time: 1234 },
      { local_session_id: { nested: true } },
    ];
    for (const c of cases) {
      const res = await post('/api/records/v1/shared_sessions', JSON.stringify({ ...base, ...c }));
      assert.equal(res.status, 400, JSON.stringify(c));
    }
    await stillServing();
  });

  it('constraint violations are 400 with TrailBase\'s reason', async () => {
    const check = await post('/api/records/v1/shared_sessions', JSON.stringify(sessionRecord(team, alice, 2, { planned_duration_minutes: 0 })));
    assert.equal(check.status, 400);
    assert.equal(await check.text(), 'db constraint: check');
    const { start_time: _omitted, ...noStart } = sessionRecord(team, alice, 3);
    const notNull = await post('/api/records/v1/shared_sessions', JSON.stringify(noStart));
    assert.equal(notNull.status, 400);
    assert.equal(await notNull.text(), 'db constraint: not null');
  });

  it('unknown fields are skipped, as TrailBase does', async () => {
    const res = await post('/api/records/v1/shared_sessions', JSON.stringify({ ...sessionRecord(team, alice, 4), mood: 'great' }));
    assert.equal(res.status, 200);
  });

  it('list: limit 5000 is 400, as are unknown operators, columns, hidden columns and mistyped values', async () => {
    const bad = [
      'limit=5000', 'limit=many', 'filter[planned_duration_minutes][$between]=1', 'filter[nope]=1', 'filter[_rowid_]=1',
      'filter[planned_duration_minutes]=lots', 'filter[team]=***', 'filter[end_time][$is]=maybe', 'order=nope',
      'order=a,b,c,d,e,f', 'cursor=not-a-cursor', 'offset=-1',
    ];
    for (const q of bad) assert.equal((await get(`/api/records/v1/shared_sessions?${q}`)).status, 400, q);
    assert.equal((await get('/api/records/v1/shared_sessions?limit=1024')).status, 200);
    await stillServing();
  });

  it('a malformed record id in the path is 400', async () => {
    assert.equal((await get('/api/records/v1/shared_sessions/not-an-id')).status, 400);
    const del = await raw(server, '/api/records/v1/shared_sessions/%%%', { method: 'DELETE', token: token(alice) });
    assert.equal(del.status, 400);
  });

  it('a PATCH the database refuses is an empty 500, as TrailBase maps every failed update; one naming another id is 400', async () => {
    const api = alice.client.records('shared_sessions');
    const id = String(await api.create(sessionRecord(team, alice, 5)));
    const patch = (body: unknown) =>
      raw(server, `/api/records/v1/shared_sessions/${id}`, {
        method: 'PATCH', token: token(alice), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
    for (const body of [{}, { planned_duration_minutes: 5000 }]) {
      const res = await patch(body);
      assert.deepEqual([res.status, await res.text()], [500, ''], JSON.stringify(body));
    }
    const other = sessionRecord(team, alice, 6).id;
    assert.equal((await patch({ id: other, planned_duration_minutes: 30 })).status, 400);
    const kept = (await api.read(id)) as { id: string; planned_duration_minutes: number };
    assert.deepEqual([kept.id, kept.planned_duration_minutes], [id, 25], 'the record did not move or change');
  });

  it('a body over 10 MiB is 413 and the server keeps serving', async () => {
    const huge = JSON.stringify({ ...sessionRecord(team, alice, 6), local_session_id: 'x'.repeat(11 * 1024 * 1024) });
    assert.equal((await post('/api/records/v1/shared_sessions', huge)).status, 413);
    const chunked = await raw(server, '/api/records/v1/shared_sessions', {
      method: 'POST', token: token(alice), headers: { 'content-type': 'application/json' }, duplex: 'half',
      body: new Blob([huge]).stream(),
    } as RequestInit);
    assert.equal(chunked.status, 413, 'also when no length is declared up front');
    await stillServing();
  });

  it('a method a route does not have is 405', async () => {
    const res = await raw(server, '/api/records/v1/shared_sessions', { method: 'PUT', token: token(alice) });
    assert.equal(res.status, 405);
    assert.equal((await raw(server, '/api/auth/v1/login')).status, 405);
    assert.equal((await raw(server, '/api/auth/v1/no_such_route')).status, 404);
  });
});
