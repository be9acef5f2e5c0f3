import * as assert from 'assert';
import fc from 'fast-check';
import { uuidv7 } from '../../../src/core/ids';
import { createEntityRegistry, SharedSession } from '../../../src/core/models';
import type { Store } from '../../../src/core/store';
import { SyncQueue } from '../../../src/core/sync/queue';
import type { QueuedOp } from '../../../src/core/sync/queuedOp';
import { FakeClock, openStore, sharedSessionRecord } from './fixtures';

/**
 * The queue driven like an engine would drive it, against a model server, with local edits landing
 * while a batch is in flight and with three outcomes per batch: applied and acknowledged, refused before
 * applying (503), and applied with the reply lost. A batch comes from a take (a write), or, as in a long
 * push, from a take that claims the rest of the queue followed by reads of what it claimed. Once the
 * faults stop and the queue drains, the server must hold exactly what the user holds, and it must never
 * have been asked to update a record it lacks.
 */

type Outcome = 'ok' | 'failBeforeApply' | 'lostAfterApply';
type Step =
  | { kind: 'local'; entity: number; remove: boolean; seconds: number }
  | { kind: 'take'; limit: number }
  | { kind: 'claim'; limit: number }
  | { kind: 'read'; limit: number }
  | { kind: 'resolve'; outcome: Outcome }
  | { kind: 'advance'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('local' as const), entity: fc.nat(2), remove: fc.boolean(), seconds: fc.nat(86_400) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('take' as const), limit: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), limit: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('resolve' as const), outcome: fc.constantFrom<Outcome>('ok', 'failBeforeApply', 'lostAfterApply') }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120_000 }) }) },
);

const scenarioArb = fc.record({
  onServer: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
  steps: fc.array(stepArb, { maxLength: 40 }),
  jitter: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe('sync queue under push faults (property)', () => {
  let store: Store;
  const registry = createEntityRegistry();

  before(async () => {
    ({ store } = await openStore());
  });

  after(async () => {
    await store.close();
  });

  it('converges: after the faults stop and the queue drains, the server holds what the user holds', async function () {
    // Hundreds of generated runs, each on the real database file with fsync'd writes.
    this.timeout(180_000);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ onServer, steps, jitter }) => {
        const clock = new FakeClock();
        const queue = new SyncQueue({ registry, clock, random: () => jitter });
        const ids = onServer.map(() => uuidv7());
        const server = new Map<string, number>();
        const local = new Map<string, number>();
        onServer.forEach((present, i) => {
          if (present) {
            server.set(ids[i], -1);
            local.set(ids[i], -1);
          }
        });
        await store.write((db) => db.exec('DELETE FROM sync_queue; DELETE FROM shared_sessions; DELETE FROM sync_state;'));

        let inFlight: QueuedOp[] | undefined;
        // The push under way: the position read up to, and through which a claim lets it read.
        let cursor = 0;
        let claimedThrough = 0;
        let tick = 0;
        const pendingWrites: Promise<unknown>[] = [];
        const send = (batch: QueuedOp[]) => batch.forEach((op) => applyToServer(server, op));

        for (const step of steps) {
          switch (step.kind) {
            case 'local': {
              const id = ids[step.entity % ids.length];
              const operation = !local.has(id) ? 'create' : step.remove ? 'delete' : 'update';
              if (operation === 'delete') local.delete(id);
              else local.set(id, step.seconds);
              const entity = session(id, step.seconds, ++tick);
              // Not awaited: local edits land whenever the store commits them, as they do in the extension.
              pendingWrites.push(store.write((db) => queue.enqueue(db, operation, entity)));
              break;
            }
            case 'take':
              if (!inFlight) inFlight = await store.write((db) => queue.takeBatch(db, clock.now(), step.limit));
              cursor = claimedThrough = 0;
              break;
            case 'claim': {
              if (inFlight) break;
              const { ops, through } = await store.write((db) => {
                const next = queue.takeBatch(db, clock.now(), step.limit);
                return { ops: next, through: next.length === step.limit ? queue.claimPending(db, next[next.length - 1].seq) : 0 };
              });
              inFlight = ops;
              cursor = ops.at(-1)?.seq ?? 0;
              claimedThrough = through;
              break;
            }
            case 'read': {
              if (inFlight || claimedThrough <= cursor) break;
              const ops = store.read((db) => queue.readClaimed(db, clock.now(), cursor, claimedThrough, step.limit));
              if (ops.length === 0) break;
              inFlight = ops;
              cursor = ops[ops.length - 1].seq;
              break;
            }
            case 'resolve': {
              if (!inFlight) break;
              const batch = inFlight;
              inFlight = undefined;
              if (step.outcome !== 'failBeforeApply') send(batch);
              if (step.outcome === 'ok') await store.write((db) => queue.markSucceeded(db, batch));
              else {
                await store.write((db) => queue.markFailed(db, batch, step.outcome === 'lostAfterApply' ? 'socket hang up' : 'HTTP 503'));
                // A failure ends the push; the next one starts again from the head of the queue.
                cursor = claimedThrough = 0;
              }
              break;
            }
            case 'advance':
              clock.advance(step.ms);
              break;
          }
        }
        // The run ends mid-flight: the process died before hearing back.
        await Promise.all(pendingWrites);

        // Faults stop. The user retries what ran out of attempts, and the engine drains the queue.
        await store.write((db) => queue.retryFailed(db));
        for (let round = 0; ; round++) {
          assert.ok(round < 100, 'the queue does not drain');
          clock.advance(24 * 3600_000);
          const batch = await store.write((db) => queue.takeBatch(db, clock.now()));
          if (batch.length === 0) break;
          send(batch);
          await store.write((db) => queue.markSucceeded(db, batch));
        }

        assert.deepStrictEqual(sorted(server), sorted(local));
        assert.deepStrictEqual(
          store.read((db) => queue.stats(db)).pending + store.read((db) => queue.stats(db)).failed,
          0,
        );
      }),
      {
        numRuns: 250,
        examples: [
          [
            {
              // A create read from a claim, applied with the reply lost, then unshared: the delete must go out.
              onServer: [false, false],
              steps: [
                { kind: 'local', entity: 0, remove: false, seconds: 60 },
                { kind: 'local', entity: 1, remove: false, seconds: 60 },
                { kind: 'claim', limit: 1 },
                { kind: 'resolve', outcome: 'ok' },
                { kind: 'read', limit: 1 },
                { kind: 'resolve', outcome: 'lostAfterApply' },
                { kind: 'local', entity: 1, remove: true, seconds: 0 },
              ],
              jitter: 0.5,
            },
          ],
        ],
      },
    );
  });
});

function session(id: string, seconds: number, tick: number): SharedSession {
  const at = new Date(Date.parse('2026-03-02T09:00:00.000Z') + tick * 1000).toISOString();
  return SharedSession.fromRecord(sharedSessionRecord({ id, actual_duration_seconds: seconds, last_modified: at }));
}

/**
 * The server's side, as TrailBase with conflict_resolution REPLACE answers: a create is an upsert by
 * client id; an update of a missing record is a 404 (the test fails: a change would be lost); a delete
 * of a missing record is a 404 that the engine takes as done.
 */
function applyToServer(server: Map<string, number>, op: QueuedOp): void {
  const seconds = (op.payload as { actual_duration_seconds: number }).actual_duration_seconds;
  switch (op.operation) {
    case 'create':
      server.set(op.entityId, seconds);
      break;
    case 'update':
      assert.ok(server.has(op.entityId), `update of ${op.entityId}, which the server does not have (404)`);
      server.set(op.entityId, seconds);
      break;
    case 'delete':
      server.delete(op.entityId);
      break;
  }
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}
