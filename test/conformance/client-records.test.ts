import assert from 'node:assert/strict';
import { z } from 'zod';
import { isClientError, ServerError, ValidationError, type RecordApi } from '../../src/core/trailbase';
import { base64ToUuid, uuidToBase64, uuidv7 } from '../../src/core/ids';
import { startTestServer, type TestServer } from '../server/harness';
import { count, sharedSessionSchema, signedInClient, teamSchema, type SharedSession } from './clientFixtures';

describe('TrailBase client: records against the local server', function () {
  this.timeout(30_000);
  let server: TestServer;
  let a: Awaited<ReturnType<typeof signedInClient>>;
  let sessions: RecordApi<SharedSession>;
  let teamId: string;
  // What we created, so expectations are computed from the data, not written down.
  const created: { id: string; minutes: number; local: string; completed: number }[] = [];

  before(async () => {
    server = await startTestServer();
    a = await signedInClient(server);
    teamId = await a.client.records('teams', teamSchema).create({ id: uuidToBase64(uuidv7()), name: 'Records', created_by: a.userId });
    sessions = a.client.records('shared_sessions', sharedSessionSchema);
    const rows = Array.from({ length: 30 }, (_, i) => {
      const row = { id: uuidToBase64(uuidv7()), minutes: 5 + ((i * 7) % 50), local: `local-${String(i).padStart(2, '0')}`, completed: i % 3 === 0 ? 1 : 0 };
      created.push(row);
      return {
        id: row.id,
        team: teamId,
        user: a.userId,
        local_session_id: row.local,
        start_time: new Date(Date.UTC(2026, 10, 1, 9, i)).toISOString(),
        planned_duration_minutes: row.minutes,
        completed: row.completed,
        last_modified: new Date().toISOString(),
      };
    });
    const ids = await sessions.create(rows);
    assert.deepEqual(ids, rows.map((r) => r.id), 'the server keeps client-supplied ids, in order');
  });
  after(async () => {
    await server?.stop();
  });

  it('lists with filters, $or, ordering, limit and count', async () => {
    const page = await sessions.list({
      where: { team: teamId, $or: [{ planned_duration_minutes: { $gte: 40 } }, { completed: 1 }] },
      order: ['-planned_duration_minutes', 'local_session_id'],
      limit: 1024,
      count: true,
    });
    const expected = created
      .filter((r) => r.minutes >= 40 || r.completed === 1)
      .sort((x, y) => y.minutes - x.minutes || x.local.localeCompare(y.local))
      .map((r) => r.local);
    assert.deepEqual(page.records.map((r) => r.local_session_id), expected);
    assert.equal(page.totalCount, expected.length);

    const like = await sessions.list({ where: { local_session_id: { $like: 'local-1%' }, completed: { $ne: 1 } }, limit: 100 });
    assert.deepEqual(
      like.records.map((r) => r.local_session_id).sort(),
      created.filter((r) => r.local.startsWith('local-1') && r.completed !== 1).map((r) => r.local).sort(),
    );
    const between = await sessions.list({ where: { $and: [{ planned_duration_minutes: { $gt: 10 } }, { planned_duration_minutes: { $lte: 20 } }] }, limit: 100 });
    assert.equal(between.records.length, created.filter((r) => r.minutes > 10 && r.minutes <= 20).length);
    const isNull = await sessions.list({ where: { end_time: { $is: 'NULL' } }, limit: 1, count: true });
    assert.equal(isNull.totalCount, created.length);
  });

  it('walks every page with the async iterator (cursor), and with offsets', async () => {
    const seen: string[] = [];
    for await (const s of sessions.iterate({ where: { team: teamId }, limit: 7 })) seen.push(s.id);
    assert.equal(seen.length, created.length);
    assert.deepEqual([...seen].sort(), created.map((r) => r.id).sort());
    assert.deepEqual(seen, [...seen].sort((x, y) => base64ToUuid(y).localeCompare(base64ToUuid(x))), 'default order: newest id first');

    const first = await sessions.list({ limit: 10, order: ['local_session_id'] });
    const second = await sessions.list({ limit: 10, offset: 10, order: ['local_session_id'] });
    const sortedLocals = created.map((r) => r.local).sort();
    assert.deepEqual([...first.records, ...second.records].map((r) => r.local_session_id), sortedLocals.slice(0, 20));
  });

  it('reads by base64 id or hyphenated UUID, updates with PATCH, and deletes', async () => {
    const target = created[5];
    assert.equal((await sessions.read(target.id)).local_session_id, target.local);
    assert.equal((await sessions.read(base64ToUuid(target.id))).id, target.id);
    await sessions.update(target.id, { completed: 1 });
    assert.equal((await sessions.read(target.id)).completed, 1);
    await sessions.delete(target.id);
    // Access rules run against the (now missing) row, so the server answers 403 rather than 404 here.
    await assert.rejects(sessions.read(target.id), (e: unknown) => isClientError(e) && (e.kind === 'not-found' || e.kind === 'auth'));
    const remaining = await sessions.list({ where: { team: teamId }, limit: 100 });
    assert.ok(!remaining.records.some((r) => r.id === target.id), 'the deleted record is gone from listings');
    created.splice(5, 1);
  });

  it('runs a transaction of creates and an update in one request, and refuses more than 128 operations unsent', async () => {
    const ids = [uuidToBase64(uuidv7()), uuidToBase64(uuidv7())];
    await server.resetStats();
    const results = await a.client.transaction([
      ...ids.map((id, i) => ({
        create: { api: 'shared_sessions', value: { id, team: teamId, user: a.userId, local_session_id: `tx-${i}`, start_time: new Date().toISOString(), planned_duration_minutes: 25, last_modified: new Date().toISOString() } },
      })),
      { update: { api: 'shared_sessions', id: created[0].id, value: { completed: 1 } } },
    ]);
    assert.equal(results.length, 3);
    assert.deepEqual(results.slice(0, 2), ids.map((id) => ({ ok: true, id })));
    assert.equal(results[2].ok, true);
    assert.equal(count(await server.stats(), 'POST /api/transaction/v1/execute'), 1);
    assert.equal((await sessions.read(ids[1])).local_session_id, 'tx-1');
    assert.equal((await sessions.read(created[0].id)).completed, 1);

    await server.resetStats();
    const tooMany = Array.from({ length: 129 }, () => ({ delete: { api: 'shared_sessions', id: created[1].id } }));
    await assert.rejects(a.client.transaction(tooMany), (e: unknown) => e instanceof ValidationError && /at most 128/.test(e.message));
    assert.deepEqual((await server.stats()).requests, {});
  });

  it('reports a unique violation (TrailBase says 400) as a validation error with the server reason', async () => {
    const dup = { id: uuidToBase64(uuidv7()), team: teamId, user: a.userId, local_session_id: created[2].local, start_time: new Date().toISOString(), planned_duration_minutes: 25, last_modified: new Date().toISOString() };
    const err = await sessions.create(dup).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError && err.code === 'bad-request' && err.status === 400, String(err));
    assert.ok(err.reason && err.reason.length > 0, 'the server reason is kept');
  });

  it('says "not a TrailBase server or API not configured" for an unknown record API (405)', async () => {
    const err = await a.client.records('no_such_api', teamSchema).list().catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError && err.code === 'not-trailbase', String(err));
    assert.match(err.message, /not a TrailBase server, or its "no_such_api" record API is not configured/);
  });

  it('refuses a record that does not match the schema, naming the API and the field', async () => {
    const strict = a.client.records('shared_sessions', sharedSessionSchema.extend({ completed: z.boolean() }));
    const err = await strict.read(created[3].id).catch((e: unknown) => e);
    assert.ok(err instanceof ServerError && err.code === 'bad-reply', String(err));
    assert.match(err.message, /shared_sessions record .*completed/);
  });
});
