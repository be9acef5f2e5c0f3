// The network boundary, fuzzed: every kind of reply the client parses is served, valid and then bent
// (wrong types, missing and extra fields, ids in the wrong form, huge strings, deep nesting, wrong
// content type, truncation, invalid UTF-8, odd status codes, over the size bound) by a hostile HTTP
// server on loopback to the real client. Each case must end in a typed error or a correct result,
// never anything else; a rejected reply changes nothing stored (connection row, tokens, queue,
// checkpoints, synced tables); and the next good reply works.
//
// Seeded and replayable: FOCUSFLOW_FUZZ_SEED=<n> repeats a run, FOCUSFLOW_FUZZ_RUNS=<n> sets the cases
// per endpoint; a failure prints fast-check's seed and path for that one case.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { z } from 'zod';
import { systemClock } from '../../../src/core/clock';
import { uuidToBase64, uuidv7 } from '../../../src/core/ids';
import type { Logger } from '../../../src/core/logger';
import { createEntityRegistry } from '../../../src/core/models';
import { remoteTeamSchema } from '../../../src/core/models/team';
import { Store } from '../../../src/core/store';
import { pullChanges } from '../../../src/core/sync/pull';
import { SyncQueue } from '../../../src/core/sync/queue';
import { ConnectionService } from '../../../src/core/team/connection';
import { isClientError, TrailBaseClient, type ClientError, type ChangeEvent } from '../../../src/core/trailbase';
import { tempDbFile } from '../../support/bundleScript';
import { fakeJwt, HostileServer, type HostileReply, type SeenRequest } from '../../support/hostileServer';
import { MemoryTokenStore } from '../../support/memoryTokenStore';
import { mutateJson, mutationArb, toReply, type Json, type Mutation } from './mutate';

const SEED = Number(process.env.FOCUSFLOW_FUZZ_SEED ?? 16_016);
/** Multiplies every endpoint's case count (FOCUSFLOW_FUZZ_SCALE=10 for a long hunt). */
const SCALE = Number(process.env.FOCUSFLOW_FUZZ_SCALE ?? 1);
/** Cases per property; the ones that write the database file on every case get fewer. */
const RUNS = {
  signInStored: 150,
  signIn: 850,
  refresh: 700,
  register: 600,
  read: 1_000,
  pull: 120,
  list: 1_200,
  cursor: 150,
  create: 1_300,
  transaction: 1_100,
  errors: 1_800,
  live: 1_300,
};
/** The client under test refuses replies over this (the shipped bound is 32 MiB; the rule is the same). */
const BOUND = 512 * 1024;

const served = new Map<string, number>();
const count = (endpoint: string) => served.set(endpoint, (served.get(endpoint) ?? 0) + 1);

class LinesLogger implements Logger {
  lines: string[] = [];
  private put = (level: string) => (message: string | Error) => void this.lines.push(`${level} ${message instanceof Error ? message.message : message}`);
  trace = this.put('trace');
  debug = this.put('debug');
  info = this.put('info');
  warn = this.put('warn');
  error = this.put('error');
}

const idArb = fc.uuid({ version: 7 }).map(uuidToBase64);
const epoch = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });
// Plain objects (fast-check's records have no prototype), as JSON.parse makes them.
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const teamArb = fc.record({ id: idArb, name: fc.string({ maxLength: 30 }), invite_code: fc.stringMatching(/^[A-Z0-9]{8}$/), created_by: idArb, created_at: epoch, updated_at: epoch }).map(plain);
const memberArb = (team: string, user: string) =>
  fc.record({ id: idArb, team: fc.constant(team), user: fc.constant(user), role: fc.constantFrom('owner', 'admin', 'member'), joined_at: epoch, updated_at: epoch, email: fc.constant(null) }).map(plain);

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ClientError };

/** The one allowed way to fail is a typed error; a refused reply's message names the server. */
async function outcome<T>(p: Promise<T>, host: string): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    if (!isClientError(err)) throw new Error(`an untyped error escaped: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    if (err.kind === 'server' && err.code !== 'server-error') assert.ok(err.message.includes(host), `the message names the server: ${err.message}`);
    assert.ok(err.message.length < 2_000, 'a message stays readable whatever the server sent');
    return { ok: false, error: err };
  }
}

/** Serves `valid` bent by `m`. `wrap` turns the JSON value into the body (the sign-in reply's token is a JWT). */
function bent(valid: Json, m: Mutation, wrap: (v: Json) => Json = (v) => v): HostileReply {
  const { value, deep } = mutateJson(valid, m);
  return toReply(value === undefined ? undefined : JSON.stringify(wrap(value)), m, deep, BOUND);
}

function dump(store: Store): string {
  return store.read((db) => {
    const tables = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((t) => t.name);
    return JSON.stringify(tables.map((t) => [t, db.all(`SELECT * FROM "${t}" ORDER BY rowid`)]));
  });
}

describe(`network boundary fuzz (seed ${SEED}, scale ${SCALE})`, function () {
  this.timeout(600_000);
  let server: HostileServer;
  let route: (req: SeenRequest) => HostileReply | Promise<HostileReply>;
  let store: Store;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);
  const userId = uuidToBase64(uuidv7());
  const exp = Math.floor(Date.now() / 1000) + 3600;

  const loginBody = (sub: string = userId) => ({ auth_token: { sub, exp, iat: exp - 3600, email: 'ana@example.com' }, refresh_token: `refresh-${sub}`, csrf_token: 'csrf-1' });
  const asJwt = (v: Json): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) && v.auth_token !== null && typeof v.auth_token === 'object' ? { ...v, auth_token: fakeJwt(v.auth_token as Record<string, unknown>) } : v);

  async function signedInClient(logger: Logger = new LinesLogger(), tokens = new MemoryTokenStore()): Promise<TrailBaseClient> {
    const client = new TrailBaseClient({ serverUrl: server.url, tokenStore: tokens, logger, retry: { retries: 0 }, maxReplyBytes: BOUND, timeoutMs: 10_000 });
    route = () => ({ status: 200, body: JSON.stringify(asJwt(loginBody() as unknown as Json)) });
    await client.login('ana@example.com', 'correct horse battery');
    return client;
  }

  before(async () => {
    server = await HostileServer.start();
    server.respond((req) => route(req));
    store = (await Store.open({ file: tempDbFile(), logger: new LinesLogger() })).store;
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  });
  after(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await store?.close();
    await server?.stop();
    const total = [...served.values()].reduce((a, b) => a + b, 0);
    const lines = [...served.entries()].map(([k, v]) => `    ${k.padEnd(14)} ${v}`);
    console.log(`\n  Mutated replies served (seed ${SEED}): ${total}\n${lines.join('\n')}\n`);
  });
  afterEach(() => assert.deepEqual(uncaught, [], 'no uncaught exception or unhandled rejection'));

  const params = (runs: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), endOnFailure: true });
  const mutation = mutationArb({ tooLarge: true });

  it('sign-in: a refused reply leaves the connection row, the stored tokens and the state as they were', async () => {
    const tokens = new MemoryTokenStore();
    const connections = new ConnectionService({
      store,
      logger: new LinesLogger(),
      clock: systemClock,
      createClient: (url) => new TrailBaseClient({ serverUrl: url, tokenStore: tokens, logger: new LinesLogger(), retry: { retries: 0 }, maxReplyBytes: BOUND }),
    });
    await fc.assert(
      fc.asyncProperty(idArb, mutation, async (sub, m) => {
        count('sign-in');
        route = () => bent(loginBody(sub) as unknown as Json, m, asJwt);
        const before = { row: dump(store), tokens: tokens.tokens, state: connections.state };
        const result = await outcome(connections.connect(server.url, 'ana@example.com', 'correct horse battery'), server.host);
        if (m.kind === 'none') assert.ok(result.ok, `a valid reply is accepted: ${!result.ok && result.error.message}`);
        if (result.ok) {
          assert.match(result.value.userId, /^[A-Za-z0-9_-]{22}==$/);
          assert.equal(connections.state.status, 'connected');
          assert.equal(tokens.tokens?.refreshToken !== undefined, true);
          return;
        }
        assert.equal(dump(store), before.row, 'no store change');
        assert.deepEqual(tokens.tokens, before.tokens, 'no token change');
        assert.equal(connections.state, before.state, 'no state change');
        route = () => ({ status: 200, body: JSON.stringify(asJwt(loginBody(sub) as unknown as Json)) });
        assert.equal((await connections.connect(server.url, 'ana@example.com', 'correct horse battery')).userId, sub, 'the next good reply works');
      }),
      params(RUNS.signInStored),
    );
    connections.dispose();
  });

  it('sign-in, client alone: a refused reply stores no token and leaves the client signed out', async () => {
    await fc.assert(
      fc.asyncProperty(idArb, mutation, async (sub, m) => {
        count('sign-in');
        const tokens = new MemoryTokenStore();
        const client = new TrailBaseClient({ serverUrl: server.url, tokenStore: tokens, logger: new LinesLogger(), retry: { retries: 0 }, maxReplyBytes: BOUND });
        route = () => bent(loginBody(sub) as unknown as Json, m, asJwt);
        const result = await outcome(client.login('ana@example.com', 'correct horse battery'), server.host);
        if (m.kind === 'none') assert.ok(result.ok, `a valid reply is accepted: ${!result.ok && result.error.message}`);
        if (result.ok) {
          assert.match(result.value.user.id, /^[A-Za-z0-9_-]{22}==$/);
          assert.equal(tokens.tokens?.authToken.split('.').length, 3);
        } else {
          assert.equal(tokens.tokens, undefined, 'no token stored');
          assert.equal(client.authState, undefined, 'still signed out');
        }
        client.dispose();
      }),
      params(RUNS.signIn),
    );
  });

  it('refresh: a refused reply keeps the session and its stored tokens; a token for another user is refused', async () => {
    const tokens = new MemoryTokenStore();
    const client = await signedInClient(new LinesLogger(), tokens);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(userId), idArb), mutation, async (sub, m) => {
        count('refresh');
        const valid = { auth_token: { sub, exp: exp + 60, iat: exp - 3540 }, csrf_token: 'csrf-2' };
        route = () => bent(valid as unknown as Json, m, asJwt);
        const before = { tokens: tokens.tokens, state: client.authState };
        const result = await outcome(client.refresh(), server.host);
        if (m.kind === 'none' && sub === userId) assert.ok(result.ok, `a valid reply is accepted: ${!result.ok && result.error.message}`);
        if (result.ok) {
          assert.equal(result.value.user.id, userId, 'the session stays with its user');
          return;
        }
        if (result.error.kind === 'auth' && result.error.code === 'session-expired') {
          // The server refused the refresh token (401): signing out is the answer, as documented.
          assert.equal(tokens.tokens, undefined);
          assert.equal(client.authState, undefined);
          route = () => ({ status: 200, body: JSON.stringify(asJwt(loginBody() as unknown as Json)) });
          await client.login('ana@example.com', 'correct horse battery');
          return;
        }
        assert.deepEqual(tokens.tokens, before.tokens, 'no token change');
        assert.deepEqual(client.authState, before.state, 'no session change');
        route = () => ({ status: 200, body: JSON.stringify(asJwt({ auth_token: { sub: userId, exp, iat: exp - 3600 } })) });
        assert.equal((await client.refresh()).user.id, userId, 'the next good reply works');
      }),
      params(RUNS.refresh),
    );
    client.dispose();
  });

  it('register: any reply is a typed error or a confirmation', async () => {
    const client = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: new LinesLogger(), retry: { retries: 0 }, maxReplyBytes: BOUND });
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        count('register');
        route = () => bent({ message: 'Verification email sent' }, m);
        const result = await outcome(client.register('ana@example.com', 'correct horse battery'), server.host);
        if (m.kind === 'none') assert.ok(result.ok);
        if (result.ok) assert.match(result.value.message, /verification link/);
      }),
      params(RUNS.register),
    );
  });

  it('record read: the record as served and checked, or a typed error', async () => {
    const client = await signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(teamArb, mutation, async (team, m) => {
        count('record read');
        const reply = bent(team as Json, m);
        route = () => reply;
        const result = await outcome(teams.read(team.id), server.host);
        if (m.kind === 'none') assert.deepEqual(result, { ok: true, value: team });
        if (result.ok) assert.deepEqual(result.value, remoteTeamSchema.parse(JSON.parse(Buffer.from(reply.body ?? '').toString('utf8'))));
        else {
          route = () => ({ status: 200, body: JSON.stringify(team) });
          assert.deepEqual(await teams.read(team.id), team, 'the next good reply works');
        }
      }),
      params(RUNS.read),
    );
    client.dispose();
  });

  it('list pages and cursors, through a real pull: a refused page changes no synced row, queue entry or checkpoint', async () => {
    const client = await signedInClient();
    const registry = createEntityRegistry();
    const queue = new SyncQueue({ registry, clock: systemClock });
    const teamId = uuidToBase64(uuidv7());
    const world = fc.record({ team: teamArb.map((t) => ({ ...t, id: teamId })), members: fc.array(memberArb(teamId, userId), { minLength: 1, maxLength: 3 }), cursor: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/) });
    await fc.assert(
      fc.asyncProperty(world, fc.nat({ max: 4 }), mutation, async (w, target, m) => {
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
        route = (req) => {
          if (n++ !== target) return { status: 200, body: JSON.stringify(validFor(req)) };
          snapshot = dump(store);
          return bent(validFor(req), m);
        };
        const result = await outcome(
          pullChanges({ store, queue, registry, client, logger: new LinesLogger(), strategy: 'LastWriteWins', userId, scope: 'fuzz', reader: 'fuzz' }),
          server.host,
        );
        if (m.kind === 'none' || snapshot === undefined) assert.ok(result.ok, `valid pages are pulled: ${!result.ok && result.error.message}`);
        if (!result.ok) {
          assert.equal(dump(store), snapshot, 'no synced row, queue entry or checkpoint changed');
          route = (req) => ({ status: 200, body: JSON.stringify(validFor(req)) });
          await pullChanges({ store, queue, registry, client, logger: new LinesLogger(), strategy: 'LastWriteWins', userId, scope: 'fuzz', reader: 'fuzz' });
        }
      }),
      params(RUNS.pull),
    );
    client.dispose();
  });

  it('list pages, client alone: the page as served and checked, never longer than asked, or a typed error', async () => {
    const client = await signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(fc.array(teamArb, { maxLength: 5 }), fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)), fc.nat({ max: 10 }), mutation, async (records, cursor, total, m) => {
        count('list page');
        const reply = bent({ records, cursor, total_count: total + records.length }, m);
        route = () => reply;
        const result = await outcome(teams.list({ limit: 5, count: true }), server.host);
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
    const client = await signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(fc.array(teamArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), async (records, limit, repeatCursor) => {
        count('list cursor');
        let calls = 0;
        route = () => ({ status: 200, body: JSON.stringify({ records: records.slice(0, limit + 1), cursor: repeatCursor ? 'same' : `c${calls++}` }) });
        const result = await outcome(teams.list({ limit }), server.host);
        if (records.length > limit) assert.ok(!result.ok && result.error.kind === 'server' && result.error.field === 'records', 'more than asked is refused');
        else assert.deepEqual(result.ok && result.value.records, records);
        if (records.length === limit) {
          route = () => ({ status: 200, body: JSON.stringify({ records: records.slice(0, limit), cursor: repeatCursor ? 'same' : `c${calls++}` }) });
          const seen: number[] = [];
          const walk = await outcome(
            (async () => {
              for await (const page of teams.pages({ limit })) if (seen.push(page.records.length) > 3) break;
            })(),
            server.host,
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
    const client = await signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    await fc.assert(
      fc.asyncProperty(fc.array(idArb, { minLength: 1, maxLength: 8 }), mutation, async (ids, m) => {
        count('bulk create');
        route = () => bent({ ids }, m);
        const result = await outcome(teams.create(ids.map((id) => ({ id, name: 'x' }))), server.host);
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
    const client = await signedInClient();
    const resultArb = fc.oneof(idArb.map((Id) => ({ Id }) as Json), fc.constant({ Error: 'UNIQUE constraint failed' } as Json), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.array(resultArb, { minLength: 1, maxLength: 6 }), mutation, async (results, m) => {
        count('transaction');
        route = () => bent({ results }, m);
        const ops = results.map(() => ({ update: { api: 'teams', id: uuidToBase64(uuidv7()), value: { name: 'y' } } }));
        const result = await outcome(client.transaction(ops), server.host);
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
    const client = await signedInClient();
    const teams = client.records('teams', remoteTeamSchema);
    const errorStatus = fc.constantFrom(400, 401, 403, 404, 405, 409, 413, 418, 422, 429, 451, 500, 501, 502, 503, 504, 520, 599);
    const errorBody: fc.Arbitrary<Json> = fc.oneof(fc.constant({ message: 'Bad request' }), fc.constant('Forbidden'), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>);
    await fc.assert(
      fc.asyncProperty(errorStatus, errorBody, mutation, fc.option(fc.constantFrom('1', '0', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999')), async (status, body, m, retryAfter) => {
        count('errors');
        const reply = bent(body, m);
        route = () => ({ ...reply, status: m.kind === 'status' ? reply.status : status, headers: { ...reply.headers, ...(retryAfter ? { 'retry-after': retryAfter } : {}) } });
        const result = await outcome(teams.read(uuidToBase64(uuidv7())), server.host);
        if (m.kind !== 'status') assert.ok(!result.ok, `HTTP ${status} is an error`);
      }),
      params(RUNS.errors),
    );
    client.dispose();
  });

  it('live stream: a bent event is dropped with one log line, valid events arrive, the stream never crashes', async () => {
    const logger = new LinesLogger();
    const client = await signedInClient(logger);
    let stream: ServerResponse | undefined;
    let opened: () => void = () => undefined;
    route = () => ({ status: 200, stream: (res) => ((stream = res), opened()) });
    const events: ChangeEvent<z.infer<typeof remoteTeamSchema>>[] = [];
    let waiter: { seq: number; resolve: () => void } | undefined;
    let resyncs = 0;
    const openedOnce = new Promise<void>((resolve) => (opened = resolve));
    const sub = client.records('teams', remoteTeamSchema).subscribe(
      '*',
      {
        onEvent: (e) => {
          events.push(e);
          if (waiter && e.seq === waiter.seq) waiter.resolve();
        },
        onResync: () => void resyncs++,
        onError: () => undefined,
      },
      { backoff: { baseMs: 1, capMs: 5 } },
    );
    await openedOnce;
    let seq = 1_000_000;
    const frameMutation = fc.oneof(
      { weight: 8, arbitrary: mutationArb({ tooLarge: false }).filter((m) => m.kind !== 'status' && m.kind !== 'content-type' && m.kind !== 'truncate') },
      { weight: 1, arbitrary: fc.constantFrom('no-data-prefix', 'huge-line', 'event-field', 'comment', 'cr-only') },
    );
    await fc.assert(
      fc.asyncProperty(teamArb, frameMutation, async (team, m) => {
        count('live event');
        const valid = { Insert: team, seq: 1 } as Json;
        let frame: Buffer;
        if (typeof m === 'string') {
          const json = JSON.stringify(valid);
          frame = Buffer.from(
            m === 'no-data-prefix' ? `${json}\n\n` : m === 'huge-line' ? `data: ${'x'.repeat(1_100_000)}\n\n` : m === 'event-field' ? `event: weird\ndata: ${json}\n\n` : m === 'comment' ? `: ${json}\n\n` : `data: ${json}\r\r`,
          );
        } else {
          const reply = bent(valid, m);
          const text = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body ?? '');
          // A frame is one data line: line breaks inside would only split it into more lines.
          frame = Buffer.concat([Buffer.from('data: '), Buffer.from(text.toString('latin1').replace(/[\r\n]/g, ' '), 'latin1'), Buffer.from('\n\n')]);
        }
        const linesBefore = logger.lines.filter((l) => l.startsWith('warn')).length;
        const eventsBefore = events.length;
        const sentinel = ++seq;
        const arrived = new Promise<void>((resolve) => (waiter = { seq: sentinel, resolve }));
        stream?.write(frame);
        stream?.write(`\n\ndata: ${JSON.stringify({ Insert: team, seq: sentinel })}\n\n`);
        await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('the next good event did not arrive')), 5_000))]);
        const warned = logger.lines.filter((l) => l.startsWith('warn')).length - linesBefore;
        const delivered = events.slice(eventsBefore, -1);
        assert.ok(warned <= 1, `at most one log line per bent event (${warned})`);
        for (const e of delivered) assert.deepEqual(remoteTeamSchema.parse(e.record), e.record);
        if (m === 'comment' || m === 'event-field') assert.equal(warned, 0);
      }),
      params(RUNS.live),
    );
    sub.dispose();
    stream?.end();
    await sub.closed;
    client.dispose();
    assert.ok(resyncs > 0, 'dropped events asked for a resync');
  });
});
