// Convergence under injected faults: two teammates' machines make random local changes (share, edit,
// unshare, share again) while the server drops connections before and after commit, answers 500 and
// 429, renews short-lived tokens all the time and restarts. Once the faults stop and both machines have
// synced, both and the server must hold the same data, every change must have arrived, and no share may
// exist twice. The operations come from a seeded generator: FOCUSFLOW_SEED=<seed> npm run test:unit
// replays them (the server's fault draws are its own).
import * as assert from 'assert';
import { base64ToUuid } from '../../src/core/ids';
import type { SharedSession } from '../../src/core/models';
import { toLocalId } from '../../src/core/ids';
import { shareSession, unshareSession, updateSharedSession } from '../../src/core/sync/sharing';
import { startTestServer, type Faults, type TestServer } from '../server/harness';
import { completedSessions, createTeam, joinTeam, machine, remoteShared, userAccount, type Machine } from './syncFixtures';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS: Faults = {
  errorRate: 0.2,
  errorStatus: 500,
  rateLimit: { every: 6, retryAfterSeconds: 0 },
  dropBeforeCommit: 0.15,
  dropAfterCommit: 0.15,
};
const TARGET_FAULTS = 1_000;
// The chaos ends as soon as the target is reached (about 30 s here); the cap only bounds a very slow machine.
const MAX_CHAOS_MS = 90_000;
const RESTART_EVERY_MS = 6_000;

interface FaultCount {
  serverErrors: number;
  rateLimited: number;
  droppedConnections: number;
  restarts: number;
  tokenRenewals: number;
}

function countingFetch(count: FaultCount): typeof fetch {
  return async (input, init) => {
    try {
      const reply = await fetch(input, init);
      if (reply.status === 500 || reply.status === 503) count.serverErrors++;
      if (reply.status === 429) count.rateLimited++;
      if (reply.ok && String(input).endsWith('/api/auth/v1/refresh')) count.tokenRenewals++;
      return reply;
    } catch (err) {
      if (!init?.signal?.aborted) count.droppedConnections++;
      throw err;
    }
  };
}

const injected = (c: FaultCount) => c.serverErrors + c.rateLimited + c.droppedConnections + c.restarts;

interface Shared {
  id: string;
  user: string;
  local_session_id: string;
  end_time: string | null;
  actual_duration_seconds: number | null;
  completed: number;
  last_modified: string;
}

/** The content both sides must agree on, keyed by shared session id. */
function localView(m: Machine): Map<string, Shared> {
  const rows = m.store.read((db) =>
    db.all<{ id: string; user_id: string; local_session_id: string; end_time: string | null; actual_duration_seconds: number | null; completed: number; last_modified: string }>(
      'SELECT id, user_id, local_session_id, end_time, actual_duration_seconds, completed, last_modified FROM shared_sessions',
    ),
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, user: r.user_id, local_session_id: r.local_session_id, end_time: r.end_time, actual_duration_seconds: r.actual_duration_seconds, completed: r.completed, last_modified: r.last_modified },
    ]),
  );
}

describe('sync convergence under injected faults (two machines, one team, the local server)', function () {
  this.timeout(180_000);
  const seed = Number(process.env.FOCUSFLOW_SEED ?? Math.floor(Math.random() * 2 ** 31));
  let server: TestServer | undefined;
  const machines: Machine[] = [];

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`    replay with: FOCUSFLOW_SEED=${seed} npm run test:unit`);
  });
  after(async () => {
    for (const m of machines.splice(0)) await m.close();
    await server?.stop();
  });

  it('ends with both machines and the server holding identical data, nothing lost, nothing duplicated', async () => {
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    server = await startTestServer({ authTokenTtlSec: 2 });
    const srv = server;
    const alice = await userAccount(srv, 'conv-alice');
    const bob = await userAccount(srv, 'conv-bob');
    const count: FaultCount = { serverErrors: 0, rateLimited: 0, droppedConnections: 0, restarts: 0, tokenRenewals: 0 };
    const options = {
      settings: { intervalSeconds: 1, maxAttempts: 1_000 },
      backoff: { baseMs: 20, capMs: 400 },
      probe: { baseMs: 50, capMs: 400 },
      subscribe: true,
      client: { fetch: countingFetch(count), timeoutMs: 3_000, retry: { baseMs: 10, capMs: 100, retries: 3 } },
    };
    const setupA = await machine(srv, alice.email, undefined);
    const team = await createTeam(setupA.connection.client!, 'Convergence');
    await setupA.close();
    const setupB = await machine(srv, bob.email, undefined);
    await joinTeam(setupB.connection.client!, team.inviteCode);
    await setupB.close();
    const a = await machine(srv, alice.email, team.id, options);
    const b = await machine(srv, bob.email, team.id, options);
    machines.push(a, b);

    // What each machine shared and unshared, to check that every change arrived.
    const everShared = new Set<string>();
    const sessionsOf = new Map<Machine, string[]>([
      [a, await completedSessions(a.store, 400, Date.parse('2026-02-01T08:00:00.000Z'))],
      [b, await completedSessions(b.store, 400, Date.parse('2026-02-01T08:00:00.000Z'))],
    ]);
    const unshared = new Map<Machine, Set<string>>([
      [a, new Set()],
      [b, new Set()],
    ]);
    let operations = 0;

    // The test's own record of the last change it made to every share: what the server must end with.
    const expected = new Map<string, Shared | 'unshared'>();
    const remember = (s: SharedSession) => {
      const r = s.toRecord();
      expected.set(r.id, { id: r.id, user: r.user_id, local_session_id: r.local_session_id, end_time: r.end_time, actual_duration_seconds: r.actual_duration_seconds, completed: r.completed ? 1 : 0, last_modified: r.last_modified });
    };
    const ownRows = (m: Machine) => [...localView(m).values()].filter((r) => r.user === toLocalId(m.userId));
    const step = async (): Promise<void> => {
      const m = random() < 0.5 ? a : b;
      const own = ownRows(m);
      const roll = random();
      if (roll < 0.35 || own.length === 0) {
        const sessionId = pick(sessionsOf.get(m)!);
        const shared = await shareSession(m.sharing, { sessionId, teamId: team.id, userId: m.userId });
        everShared.add(shared.localId);
        unshared.get(m)!.delete(shared.localId);
        remember(shared);
      } else if (roll < 0.8) {
        const target = pick(own);
        remember(await updateSharedSession(m.sharing, target.id, { actual_duration_seconds: Math.floor(random() * 3_000), completed: random() < 0.8 }));
      } else {
        const target = pick(own);
        await unshareSession(m.sharing, target.id);
        unshared.get(m)!.add(target.id);
        expected.set(target.id, 'unshared');
      }
      operations++;
    };

    try {
      await srv.setFaults(FAULTS);
      const started = Date.now();
      let lastRestart = started;
      while (injected(count) < TARGET_FAULTS && Date.now() - started < MAX_CHAOS_MS) {
        await step();
        if (random() < 0.5) void pick([a, b]).engine.sync('test', { explicit: random() < 0.2 });
        if (Date.now() - lastRestart > RESTART_EVERY_MS) {
          await srv.restart();
          count.restarts++;
          await srv.setFaults(FAULTS);
          lastRestart = Date.now();
        }
        await new Promise((r) => setTimeout(r, Math.floor(random() * 15)));
      }
      await srv.clearFaults();

      // Faults over: both sync until a round moves nothing.
      let quiet = false;
      for (let round = 0; round < 30 && !quiet; round++) {
        const ra = await a.engine.sync('converge', { explicit: true });
        const rb = await b.engine.sync('converge', { explicit: true });
        const ra2 = await a.engine.sync('converge', { explicit: true });
        quiet = [ra, rb, ra2].every((r) => r.pending === 0 && r.failed === 0 && !r.error && !r.skipped) && rb.pulled === 0 && ra2.pulled === 0;
      }
      const faults = injected(count);
      console.log(
        `    seed ${seed}: ${operations} local operations, ${faults} injected faults ` +
          `(${count.serverErrors} × 500, ${count.rateLimited} × 429, ${count.droppedConnections} dropped or refused connections, ${count.restarts} restarts), ` +
          `${count.tokenRenewals} expired tokens renewed`,
      );
      assert.ok(quiet, 'both machines reached a round with nothing pending, failed or pulled');
      assert.ok(faults >= TARGET_FAULTS, `at least ${TARGET_FAULTS} faults were injected (${faults})`);

      const rows = [];
      for await (const row of a.connection.client!.records('shared_sessions', remoteShared).iterate({ where: { team: team.id }, limit: 1024 })) rows.push(row);
      const live = new Map<string, Shared>();
      for (const r of rows) {
        if (r.deleted === 1) continue;
        const id = base64ToUuid(r.id);
        live.set(id, { id, user: base64ToUuid(r.user), local_session_id: r.local_session_id, end_time: r.end_time, actual_duration_seconds: r.actual_duration_seconds, completed: r.completed, last_modified: r.last_modified });
      }
      const viewA = localView(a);
      const viewB = localView(b);
      const sorted = (m: Map<string, Shared>) => [...m.values()].sort((x, y) => x.id.localeCompare(y.id));
      assert.deepStrictEqual(sorted(viewA), sorted(live), 'machine A holds exactly the server\'s shared sessions');
      assert.deepStrictEqual(sorted(viewB), sorted(live), 'machine B holds exactly the server\'s shared sessions');

      // No duplicates: one server row per shared session ever made, each under the id its machine chose.
      const perSession = new Map<string, number>();
      for (const r of rows) perSession.set(`${r.user} ${r.local_session_id}`, (perSession.get(`${r.user} ${r.local_session_id}`) ?? 0) + 1);
      assert.ok([...perSession.values()].every((n) => n === 1), 'one server row per shared session');
      // (A share unshared before it was ever sent never reaches the server at all, so this is a subset.)
      const strangers = rows.map((r) => base64ToUuid(r.id)).filter((id) => !everShared.has(id));
      assert.deepStrictEqual(strangers, [], 'every server row is a share one of the machines made, under the id it chose');

      // Nothing lost: every unshare is a tombstone on the server; every live share carries its last local edit.
      for (const [m, ids] of unshared) {
        for (const id of ids) assert.ok(!live.has(id), `unshared ${id} of ${m === a ? 'A' : 'B'} is a tombstone on the server`);
      }
      const expectedLive = new Map([...expected].filter((e): e is [string, Shared] => e[1] !== 'unshared'));
      assert.deepStrictEqual(sorted(live), sorted(expectedLive), 'every share carries the last change made to it');
    } catch (err) {
      console.log(`    seed ${seed}; faults so far ${JSON.stringify(count)}`);
      throw err;
    }
  });
});
