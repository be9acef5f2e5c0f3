// Suite `server`: what the local TrailBase-compatible server sustains on loopback, the ceiling the
// sync engine is measured against. Creates one per request (the baseline) vs one bulk create of
// 1,000 vs transactions of 128; the latency of a list page of 1,000; and the server's memory
// (retained heap and RSS, after a full collection) before and after a bounded 100,000-request soak.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { startTestServer, type TestServer } from '../server/harness';
import type { BenchResult } from './report';

const PASSWORD = 'benchmark password';
const SINGLE = 500;
const BULK = 1_000;
const TX = 128;
const LIST_ROUNDS = 20;
const SOAK = 100_000;
const SOAK_CONCURRENCY = 32;

let seq = 0;
function uuidV7(): string {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = 0x70 | ((++seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

interface Ctx { server: TestServer; token: string; team: string; user: string }

function session(ctx: Ctx): Record<string, unknown> {
  const start = new Date(Date.now() - Math.floor(Math.random() * 7 * 86_400_000));
  return {
    id: uuidV7(), team: ctx.team, user: ctx.user, local_session_id: `bench-${uuidV7()}`,
    start_time: start.toISOString(), end_time: new Date(start.getTime() + 1_500_000).toISOString(),
    planned_duration_minutes: 25, actual_duration_seconds: 1500, completed: true, last_modified: start.toISOString(),
  };
}

// node:http with keep-alive rather than fetch: at these rates fetch itself is the bottleneck
// (about 1,300 req/s here), and this suite measures the server.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(ctx: Ctx, path: string, body?: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${ctx.server.url}${path}`, {
      agent, method: payload === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`${path}: ${res.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function setup(server: TestServer): Promise<Ctx> {
  const email = `bench-${Date.now()}@example.com`;
  const { id } = await server.createVerifiedUser(email, PASSWORD);
  const login = await fetch(`${server.url}/api/auth/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  const { auth_token } = (await login.json()) as { auth_token: string };
  const ctx: Ctx = { server, token: auth_token, team: '', user: id };
  const { ids } = (await call(ctx, '/api/records/v1/teams', { name: 'Bench' })) as { ids: string[] };
  ctx.team = ids[0];
  return ctx;
}

const secondsSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

async function createRates(ctx: Ctx): Promise<BenchResult[]> {
  // Warm-up so statement caches and the JIT do not count against the first contender.
  await call(ctx, '/api/records/v1/shared_sessions', Array.from({ length: 200 }, () => session(ctx)));
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < SINGLE; i++) await call(ctx, '/api/records/v1/shared_sessions', session(ctx));
  const single = SINGLE / secondsSince(t0);
  const bulkRates: number[] = [];
  for (let round = 0; round < 5; round++) {
    const records = Array.from({ length: BULK }, () => session(ctx));
    t0 = process.hrtime.bigint();
    await call(ctx, '/api/records/v1/shared_sessions', records);
    bulkRates.push(BULK / secondsSince(t0));
  }
  const bulk = bulkRates.sort((a, b) => a - b)[2];
  t0 = process.hrtime.bigint();
  for (let done = 0; done < BULK; done += TX) {
    const operations = Array.from({ length: Math.min(TX, BULK - done) }, () => ({ Create: { api_name: 'shared_sessions', value: session(ctx) } }));
    await call(ctx, '/api/transaction/v1/execute', { operations, transaction: true });
  }
  const tx = BULK / secondsSince(t0);
  const baseline = { name: 'one per request', value: Math.round(single) };
  return [
    { group: 'server', name: 'create, one record per request', value: Math.round(single), unit: 'rec/s' },
    { group: 'server', name: `bulk create of ${BULK} (median of 5)`, value: Math.round(bulk), unit: 'rec/s', baseline, target: '> 5000 rec/s', ok: bulk > 5000 },
    { group: 'server', name: `transactions of ${TX}`, value: Math.round(tx), unit: 'rec/s', baseline },
  ];
}

async function listLatency(ctx: Ctx): Promise<BenchResult[]> {
  const path = `/api/records/v1/shared_sessions?limit=1000&filter[team]=${encodeURIComponent(ctx.team)}`;
  const times: number[] = [];
  for (let i = 0; i < LIST_ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    const page = (await call(ctx, path)) as { records: unknown[] };
    times.push(secondsSince(t0) * 1000);
    if (page.records.length !== 1000) throw new Error(`expected a full page, got ${page.records.length}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return [
    { group: 'server', name: 'list page of 1,000 (median of 20, read rule on)', value: Number(median.toFixed(1)), unit: 'ms', target: '< 50 ms', ok: median < 50 },
    { group: 'server', name: 'list page of 1,000 (slowest of 20)', value: Number(times[times.length - 1].toFixed(1)), unit: 'ms' },
  ];
}

/** The server's memory in MB after a full collection: the heap it retains, and its resident size. */
async function memory(ctx: Ctx): Promise<{ heapMb: number; rssMb: number }> {
  const res = await fetch(`${ctx.server.url}/__test__/memory`);
  const m = (await res.json()) as { rss: number; heapUsed: number };
  return { heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 };
}

async function soak(ctx: Ctx): Promise<BenchResult[]> {
  const small = `/api/records/v1/shared_sessions?limit=20&filter[team]=${encodeURIComponent(ctx.team)}`;
  const one = async (i: number): Promise<unknown> => (i % 10 === 0 ? call(ctx, '/api/records/v1/shared_sessions', session(ctx)) : call(ctx, small));
  const run = async (n: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: SOAK_CONCURRENCY }, async () => {
      while (next < n) await one(next++);
    }));
  };
  await run(5_000); // warm-up: the baseline is the server's settled size, not its cold start
  const before = await memory(ctx);
  const t0 = process.hrtime.bigint();
  await run(SOAK);
  const seconds = secondsSince(t0);
  const after = await memory(ctx);
  // A leak is memory still held after a full collection; RSS also carries allocator slack that comes
  // and goes with garbage-collection timing, so it is shown beside it without a target.
  const growth = (after.heapMb - before.heapMb) / before.heapMb;
  return [
    { group: 'server', name: `heap retained after a ${SOAK.toLocaleString('en')}-request soak (90% list, 10% create)`, value: Number(after.heapMb.toFixed(1)), unit: 'MB',
      baseline: { name: 'before', value: Number(before.heapMb.toFixed(1)) }, target: 'flat (< 25% growth)', ok: growth < 0.25 },
    { group: 'server', name: 'RSS after the soak', value: Number(after.rssMb.toFixed(1)), unit: 'MB', baseline: { name: 'before', value: Number(before.rssMb.toFixed(1)) } },
    { group: 'server', name: 'soak throughput', value: Math.round(SOAK / seconds), unit: 'req/s' },
  ];
}

export async function runServerBench(): Promise<BenchResult[]> {
  const server = await startTestServer();
  try {
    const ctx = await setup(server);
    return [...(await createRates(ctx)), ...(await listLatency(ctx)), ...(await soak(ctx))];
  } finally {
    agent.destroy();
    await server.stop();
  }
}
