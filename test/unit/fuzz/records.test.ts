// Network-boundary fuzz (see boundary.ts): record reads, list pages and cursors (also through a real
// pull, whose refused pages change no synced row, queue entry or checkpoint), bulk creates,
// transactions and error replies.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { systemClock } from '../../../src/core/clock';
import { uuidToBase64, uuidv7 } from '../../../src/core/ids';
import { createEntityRegistry } from '../../../src/core/models';
import { remoteTeamSchema } from '../../../src/core/models/team';
import { pullChanges } from '../../../src/core/sync/pull';
import { SyncQueue } from '../../../src/core/sync/queue';
import type { SeenRequest } from '../../support/hostileServer';
import { bent, count, dump, idArb, LinesLogger, memberArb, outcome, params, RUNS, SCALE, SEED, teamArb, useBoundary } from './boundary';
import type { Json } from './mutate';

describe(`network boundary fuzz: records (seed ${SEED}, scale ${SCALE})`, function () {
  this.timeout(600_000);
  const b = useBoundary();

  it('record read: the record as served and checked, or a typed error', async () => {
    const client = await b.signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(teamArb, b.mutation, async (team, m) => {
        count('record read');
        const reply = bent(team as Json, m);
        b.route = () => reply;
        const result = await outcome(teams.read(team.id), b.server.host);
        if (m.kind === 'none') assert.deepEqual(result, { ok: true, value: team });
        if (result.ok) assert.deepEqual(result.value, remoteTeamSchema.parse(JSON.parse(Buffer.from(reply.body ?? '').toString('utf8'))));
        else {
          b.route = () => ({ status: 200, body: JSON.stringify(team) });
          assert.deepEqual(await teams.read(team.id), team, 'the next good reply works');
        }
      }),
      params(RUNS.read),
    );
    client.dispose();
  });

  it('list pages and cursors, through a real pull: a refused page changes no synced row, queue entry or checkpoint', async () => {
    const client = await b.signedInClient();
    const registry = createEntityRegistry();
    const queue = new SyncQueue({ registry, clock: systemClock });
    const teamId = uuidToBase64(uuidv7());
    const world = fc.record({ team: teamArb.map((t) => ({ ...t, id: teamId })), members: fc.array(memberArb(teamId, b.userId), { minLength: 1, maxLength: 3 }), cursor: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/) });
    await fc.assert(
      fc.asyncProperty(world, fc.nat({ max: 4 }), b.mutation, async (w, target, m) => {
        count('list page');
        const pages: Record<string, Json> = {
          membership: { records: [{ team: teamId }], cursor: w.cursor },
          teams: { records: [w.team], cursor: null },
          members: { records: w.members, total_count: w.members.length },
          shared_sessions: { records: [] },
        };
        let n = 0;
        let snapshot: string | undefined;
        // The pages as a TrailBase server would answer them, never more records than the request asked for.
        const validFor = (req: SeenRequest): Json => {
          const api = req.path.split('/')[4] ?? '';
          const page = (pages[api === 'members' && req.query.get('filter[user]') ? 'membership' : api] ?? { records: [] }) as { records: Json[] };
          return { ...page, records: page.records.slice(0, Number(req.query.get('limit') ?? 50)) };
        };
        b.route = (req) => {
          if (n++ !== target) return { status: 200, body: JSON.stringify(validFor(req)) };
          snapshot = dump(b.store);
          return bent(validFor(req), m);
        };
        const result = await outcome(
          pullChanges({ store: b.store, queue, registry, client, logger: new LinesLogger(), strategy: 'LastWriteWins', userId: b.userId, scope: 'fuzz', reader: 'fuzz' }),
          b.server.host,
        );
        if (m.kind === 'none' || snapshot === undefined) assert.ok(result.ok, `valid pages are pulled: ${!result.ok && result.error.message}`);
        if (!result.ok) {
          assert.equal(dump(b.store), snapshot, 'no synced row, queue entry or checkpoint changed');
          b.route = (req) => ({ status: 200, body: JSON.stringify(validFor(req)) });
          await pullChanges({ store: b.store, queue, registry, client, logger: new LinesLogger(), strategy: 'LastWriteWins', userId: b.userId, scope: 'fuzz', reader: 'fuzz' });
        }
      }),
      params(RUNS.pull),
    );
    client.dispose();
  });

  it('list pages, client alone: the page as served and checked, never longer than asked, or a typed error', async () => {
    const client = await b.signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(fc.array(teamArb, { maxLength: 5 }), fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)), fc.nat({ max: 10 }), b.mutation, async (records, cursor, total, m) => {
        count('list page');
        const reply = bent({ records, cursor, total_count: total + records.length }, m);
        b.route = () => reply;
        const result = await outcome(teams.list({ limit: 5, count: true }), b.server.host);
        if (m.kind === 'none') assert.deepEqual(result.ok && result.value.records, records);
        if (result.ok) {
          assert.ok(result.value.records.length <= 5);
          const body = JSON.parse(Buffer.from(reply.body ?? '').toString('utf8')) as { records: unknown[] };
          assert.deepEqual(result.value.records, body.records.map((r) => remoteTeamSchema.parse(r)));
        }
      }),
      params(RUNS.list),
    );
    client.dispose();
  });

  it('list: a page with more records than asked is refused, and cursors are followed only while they move on', async () => {
    const client = await b.signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(fc.array(teamArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), async (records, limit, repeatCursor) => {
        count('list cursor');
        let calls = 0;
        b.route = () => ({ status: 200, body: JSON.stringify({ records: records.slice(0, limit + 1), cursor: repeatCursor ? 'same' : `c${calls++}` }) });
        const result = await outcome(teams.list({ limit }), b.server.host);
        if (records.length > limit) assert.ok(!result.ok && result.error.kind === 'server' && result.error.field === 'records', 'more than asked is refused');
        else assert.deepEqual(result.ok && result.value.records, records);
        if (records.length === limit) {
          b.route = () => ({ status: 200, body: JSON.stringify({ records: records.slice(0, limit), cursor: repeatCursor ? 'same' : `c${calls++}` }) });
          const seen: number[] = [];
          const walk = await outcome(
            (async () => {
              for await (const page of teams.pages({ limit })) if (seen.push(page.records.length) > 3) break;
            })(),
            b.server.host,
          );
          if (repeatCursor) assert.ok(!walk.ok && walk.error.kind === 'server' && walk.error.field === 'cursor', 'a repeated cursor is refused');
          else assert.ok(walk.ok);
        }
      }),
      params(RUNS.cursor),
    );
    client.dispose();
  });

  it('bulk create: the ids as served, one per record and in TrailBase form, or a typed error', async () => {
    const client = await b.signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(fc.array(idArb, { minLength: 1, maxLength: 8 }), b.mutation, async (ids, m) => {
        count('bulk create');
        b.route = () => bent({ ids }, m);
        const result = await outcome(teams.create(ids.map((id) => ({ id, name: 'x' }))), b.server.host);
        if (m.kind === 'none') assert.deepEqual(result, { ok: true, value: ids });
        if (result.ok) {
          assert.equal(result.value.length, ids.length);
          for (const id of result.value) assert.match(id, /^(?:[A-Za-z0-9_-]{22}==|-?\d{1,19})$/);
        }
      }),
      params(RUNS.create),
    );
    client.dispose();
  });

  it('transactions: one result per operation, or a typed error', async () => {
    const client = await b.signedInClient();
    const resultArb = fc.oneof(idArb.map((Id) => ({ Id }) as Json), fc.constant({ Error: 'UNIQUE constraint failed' } as Json), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.array(resultArb, { minLength: 1, maxLength: 6 }), b.mutation, async (results, m) => {
        count('transaction');
        b.route = () => bent({ results }, m);
        const ops = results.map(() => ({ update: { api: 'teams', id: uuidToBase64(uuidv7()), value: { name: 'y' } } }));
        const result = await outcome(client.transaction(ops), b.server.host);
        if (m.kind === 'none') assert.ok(result.ok);
        if (result.ok) {
          assert.equal(result.value.length, ops.length);
          for (const r of result.value) assert.ok(r.ok ? r.id === undefined || /^(?:[A-Za-z0-9_-]{22}==|-?\d{1,19})$/.test(r.id) : r.error.length <= 1_001);
        }
      }),
      params(RUNS.transaction),
    );
    client.dispose();
  });

  it('errors: any error reply (HTML, 50 KB stacks, garbage, invalid UTF-8) is a typed error with a short message', async () => {
    const client = await b.signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    const errorStatus = fc.constantFrom(400, 401, 403, 404, 405, 409, 413, 418, 422, 429, 451, 500, 501, 502, 503, 504, 520, 599);
    const errorBody: fc.Arbitrary<Json> = fc.oneof(fc.constant({ message: 'Bad request' }), fc.constant('Forbidden'), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>);
    await fc.assert(
      fc.asyncProperty(errorStatus, errorBody, b.mutation, fc.option(fc.constantFrom('1', '0', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999')), async (status, body, m, retryAfter) => {
        count('errors');
        const reply = bent(body, m);
        b.route = () => ({ ...reply, status: m.kind === 'status' ? reply.status : status, headers: { ...reply.headers, ...(retryAfter ? { 'retry-after': retryAfter } : {}) } });
        const result = await outcome(teams.read(uuidToBase64(uuidv7())), b.server.host);
        if (m.kind !== 'status') assert.ok(!result.ok, `HTTP ${status} is an error`);
      }),
      params(RUNS.errors),
    );
    client.dispose();
  });

});
