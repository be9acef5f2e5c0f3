import * as assert from 'assert';
import fc from 'fast-check';
import { uuidv7 } from '../../../src/core/ids';
import { createEntityRegistry, SharedSession } from '../../../src/core/models';
import type { Store } from '../../../src/core/store';
import type { QueuedOp } from '../../../src/core/sync/queuedOp';
import { SyncQueue } from '../../../src/core/sync/queue';
import { FakeClock, openStore, sharedSessionRecord } from './fixtures';

/**
 * Coalescing against a model. Random per-entity histories of local creates, updates and deletes go into
 * the queue (on a real database file); what the queue then sends must be, per entity, the one operation
 * the model expects, in the order the entities entered the queue, and applying it to the server's
 * state must leave the server holding exactly what the user holds locally.
 */

interface Step {
  entity: number;
  remove: boolean;
  seconds: number;
}

const historyArb = fc.record({
  onServer: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
  steps: fc.array(fc.record({ entity: fc.nat(3), remove: fc.boolean(), seconds: fc.nat(86_400) }), { maxLength: 30 }),
});

function session(id: string, seconds: number, tick: number): SharedSession {
  const at = new Date(Date.parse('2026-03-02T09:00:00.000Z') + tick * 1000).toISOString();
  return SharedSession.fromRecord(sharedSessionRecord({ id, actual_duration_seconds: seconds, last_modified: at }));
}

describe('sync queue coalescing (property)', () => {
  let store: Store;
  const registry = createEntityRegistry();

  before(async () => {
    ({ store } = await openStore());
  });

  after(async () => {
    await store.close();
  });

  it('sends, per entity, exactly the operation that brings the server to the local state', async function () {
    // Hundreds of generated runs, each on the real database file with fsync'd writes.
    this.timeout(180_000);
    await fc.assert(
      fc.asyncProperty(historyArb, async ({ onServer, steps }) => {
        const clock = new FakeClock();
        const queue = new SyncQueue({ registry, clock, random: () => 0.5 });
        const ids = onServer.map(() => uuidv7());
        const server = new Map<string, number>();
        const local = new Map<string, number>();
        onServer.forEach((present, i) => {
          if (present) {
            server.set(ids[i], -1);
            local.set(ids[i], -1);
          }
        });
        // The model: whether each entity was touched, whether its history contains a delete, and when
        // its current queue entry started.
        const touched = new Set<string>();
        const deletedOnce = new Set<string>();
        const queuedSince = new Map<string, number>();
        const inQueue = new Set<string>();

        const ops = await store.write((db) => {
          db.exec('DELETE FROM sync_queue; DELETE FROM shared_sessions; DELETE FROM sync_state;');
          steps.forEach((step: Step, index) => {
            const id = ids[step.entity % ids.length];
            const exists = local.has(id);
            const operation = !exists ? 'create' : step.remove ? 'delete' : 'update';
            queue.enqueue(db, operation, session(id, step.seconds, index));
            touched.add(id);
            if (!inQueue.has(id)) queuedSince.set(id, index);
            if (operation === 'delete') {
              local.delete(id);
              deletedOnce.add(id);
            } else {
              local.set(id, step.seconds);
            }
            inQueue.add(id);
            // Nothing has been sent: an entity the server never had and the user no longer has owes nothing.
            if (!server.has(id) && !local.has(id)) inQueue.delete(id);
          });
          return queue.takeBatch(db, clock.now(), 1000);
        });

        // At most one operation per entity.
        assert.strictEqual(new Set(ops.map((op) => op.entityId)).size, ops.length);

        for (const id of ids) {
          const op = ops.find((o) => o.entityId === id);
          const before = server.has(id);
          const after = local.has(id);
          if (!touched.has(id) || (!before && !after)) {
            assert.strictEqual(op, undefined, `nothing should go out for ${id}`);
          } else if (!before) {
            assert.strictEqual(op?.operation, 'create');
          } else if (!after) {
            assert.strictEqual(op?.operation, 'delete');
          } else {
            // An entity the server had, deleted and then re-created locally goes out as a create (an upsert).
            assert.strictEqual(op?.operation, deletedOnce.has(id) ? 'create' : 'update');
          }
        }

        // In the order the entities entered the queue.
        const expectedOrder = [...ops].sort((a, b) => queuedSince.get(a.entityId)! - queuedSince.get(b.entityId)!);
        assert.deepStrictEqual(
          ops.map((op) => op.entityId),
          expectedOrder.map((op) => op.entityId),
        );

        // Applied to the server, they leave it holding what the user holds.
        for (const op of ops) applyToServer(server, op);
        assert.deepStrictEqual(sorted(server), sorted(local));
      }),
      { numRuns: 200 },
    );
  });
});

/** The server's side of each operation, strict where TrailBase would answer an error. */
function applyToServer(server: Map<string, number>, op: QueuedOp): void {
  const seconds = (op.payload as { actual_duration_seconds: number }).actual_duration_seconds;
  switch (op.operation) {
    case 'create':
      server.set(op.entityId, seconds); // record APIs use conflict_resolution REPLACE: an upsert by client id
      break;
    case 'update':
      assert.ok(server.has(op.entityId), `update of ${op.entityId}, which the server does not have (404)`);
      server.set(op.entityId, seconds);
      break;
    case 'delete':
      assert.ok(server.has(op.entityId), `delete of ${op.entityId}, which the server never had`);
      server.delete(op.entityId);
      break;
  }
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}
