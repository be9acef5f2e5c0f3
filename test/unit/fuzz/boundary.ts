// Shared by the network-boundary fuzz suite (auth.test.ts, records.test.ts, live.test.ts in this folder):
// a hostile HTTP server on loopback serving valid replies bent by seeded mutations (mutate.ts) to the
// real client. Each case must end in a typed error or a correct result, never anything else; a rejected
// reply changes nothing stored; the next good reply works.
//
// Seeded and replayable: FOCUSFLOW_FUZZ_SEED=<n> repeats a run, FOCUSFLOW_FUZZ_SCALE=<x> multiplies the
// cases; a failure prints fast-check's seed and path for that one case. After the run, the count of
// mutated replies served is printed by endpoint.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { uuidToBase64, uuidv7 } from '../../../src/core/ids';
import type { Logger } from '../../../src/core/logger';
import { Store } from '../../../src/core/store';
import { isClientError, TrailBaseClient, type ClientError } from '../../../src/core/trailbase';
import { tempDbFile } from '../../support/bundleScript';
import { fakeJwt, HostileServer, type HostileReply, type SeenRequest } from '../../support/hostileServer';
import { MemoryTokenStore } from '../../support/memoryTokenStore';
import { mutateJson, mutationArb, toReply, type Json, type Mutation } from './mutate';
import { openStoreOnDisk } from '../../../src/node/store/openStore';


export const SEED = Number(process.env.FOCUSFLOW_FUZZ_SEED ?? 16_016);
/** Multiplies every endpoint's case count (FOCUSFLOW_FUZZ_SCALE=10 for a long hunt). */
export const SCALE = Number(process.env.FOCUSFLOW_FUZZ_SCALE ?? 1);
/** Cases per property; the ones that write the database file on every case get fewer. */
export const RUNS = {
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
export const BOUND = 512 * 1024;

const served = new Map<string, number>();
export const count = (endpoint: string) => served.set(endpoint, (served.get(endpoint) ?? 0) + 1);

export class LinesLogger implements Logger {
  lines: string[] = [];
  private put = (level: string) => (message: string | Error) => void this.lines.push(`${level} ${message instanceof Error ? message.message : message}`);
  trace = this.put('trace');
  debug = this.put('debug');
  info = this.put('info');
  warn = this.put('warn');
  error = this.put('error');
}

export const idArb = fc.uuid({ version: 7 }).map(uuidToBase64);
const epoch = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });
// Plain objects (fast-check's records have no prototype), as JSON.parse makes them.
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
export const teamArb = fc.record({ id: idArb, name: fc.string({ maxLength: 30 }), invite_code: fc.stringMatching(/^[A-Z0-9]{8}$/), created_by: idArb, created_at: epoch, updated_at: epoch }).map(plain);
export const memberArb = (team: string, user: string) =>
  fc.record({ id: idArb, team: fc.constant(team), user: fc.constant(user), role: fc.constantFrom('owner', 'admin', 'member'), joined_at: epoch, updated_at: epoch, email: fc.constant(null) }).map(plain);

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ClientError };

/** The one allowed way to fail is a typed error; a refused reply's message names the server. */
export async function outcome<T>(p: Promise<T>, host: string): Promise<Outcome<T>> {
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
export function bent(valid: Json, m: Mutation, wrap: (v: Json) => Json = (v) => v): HostileReply {
  const { value, deep } = mutateJson(valid, m);
  return toReply(value === undefined ? undefined : JSON.stringify(wrap(value)), m, deep, BOUND);
}

export function dump(store: Store): string {
  return store.read((db) => {
    const tables = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((t) => t.name);
    return JSON.stringify(tables.map((t) => [t, db.all(`SELECT * FROM "${t}" ORDER BY rowid`)]));
  });
}


/** The printed count covers every file of the suite: this hook runs once, after all of them. */
after(() => {
  if (served.size === 0) return;
  const total = [...served.values()].reduce((a, b) => a + b, 0);
  const lines = [...served.entries()].map(([k, v]) => `    ${k.padEnd(14)} ${v}`);
  console.log(`\n  Mutated replies served (seed ${SEED}): ${total}\n${lines.join('\n')}\n`);
});

export const params = (runs: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), endOnFailure: true });

export interface Boundary {
  server: HostileServer;
  store: Store;
  /** How the hostile server answers the next requests. */
  route: (req: SeenRequest) => HostileReply | Promise<HostileReply>;
  userId: string;
  exp: number;
  mutation: fc.Arbitrary<Mutation>;
  loginBody(sub?: string): Record<string, unknown>;
  /** The sign-in reply's token as the JWT it is on the wire (mutations act on its claims). */
  asJwt(v: Json): Json;
  signedInClient(logger?: Logger, tokens?: MemoryTokenStore): Promise<TrailBaseClient>;
}

/** Starts the server and a database for the calling `describe`, and fails any case that left an uncaught error. */
export function useBoundary(): Boundary {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);
  const userId = uuidToBase64(uuidv7());
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const b: Boundary = {
    server: undefined as unknown as HostileServer,
    store: undefined as unknown as Store,
    route: () => ({ status: 404 }),
    userId,
    exp,
    mutation: mutationArb({ tooLarge: true }),
    loginBody: (sub = userId) => ({ auth_token: { sub, exp, iat: exp - 3600, email: 'ana@example.com' }, refresh_token: `refresh-${sub}`, csrf_token: 'csrf-1' }),
    asJwt: (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && v.auth_token !== null && typeof v.auth_token === 'object' ? { ...v, auth_token: fakeJwt(v.auth_token as Record<string, unknown>) } : v),
    async signedInClient(logger = new LinesLogger(), tokens = new MemoryTokenStore()) {
      const client = new TrailBaseClient({ serverUrl: b.server.url, tokenStore: tokens, logger, retry: { retries: 0 }, maxReplyBytes: BOUND, timeoutMs: 10_000 });
      b.route = () => ({ status: 200, body: JSON.stringify(b.asJwt(b.loginBody() as unknown as Json)) });
      await client.login('ana@example.com', 'correct horse battery');
      return client;
    },
  };
  before(async () => {
    b.server = await HostileServer.start();
    b.server.respond((req) => b.route(req));
    b.store = (await openStoreOnDisk({ file: tempDbFile(), logger: new LinesLogger() })).store;
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  });
  after(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await b.store?.close();
    await b.server?.stop();
  });
  afterEach(() => assert.deepEqual(uncaught, [], 'no uncaught exception or unhandled rejection'));
  return b;
}
