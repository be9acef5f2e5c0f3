import * as assert from 'assert';
import { isUuid, uuidToBase64, uuidv7Time } from '../../../src/core/ids';
import { createEntityRegistry, SharedSession } from '../../../src/core/models';
import { silentLogger } from '../../../src/core/logger';
import { Store, type SqlDb } from '../../../src/core/store';
import { migrations } from '../../../src/core/store/migrations';
import { EntityValidationError } from '../../../src/core/entities/entity';
import { SyncQueue, type SyncQueueOptions } from '../../../src/core/sync/queue';
import { FakeClock, openStore, sharedSession, tempDbFile } from './fixtures';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

const registry = createEntityRegistry();

function queueRows(db: SqlDb) {
  return db.all<{ id: string; entity_id: string; operation: string; payload: string; status: string; retry_count: number }>(
    'SELECT id, entity_id, operation, payload, status, retry_count FROM sync_queue ORDER BY seq',
  );
}

function sharedRow(db: SqlDb, id: string) {
  return db.get<{ sync_status: string; remote_session_id: string | null }>('SELECT sync_status, remote_session_id FROM shared_sessions WHERE id = ?', [id]);
}

describe('sync queue', () => {
  let store: Store;
  let file: string;
  let clock: FakeClock;
  let queue: SyncQueue;

  function makeQueue(options: Partial<SyncQueueOptions> = {}): SyncQueue {
    return new SyncQueue({ registry, clock, random: () => 0.5, ...options });
  }

  beforeEach(async () => {
    ({ store, file } = await openStore());
    clock = new FakeClock();
    queue = makeQueue();
  });

  afterEach(async () => {
    await store.close();
  });

  async function share(count = 1): Promise<SharedSession[]> {
    const sessions = Array.from({ length: count }, () => sharedSession());
    await store.write((db) => sessions.forEach((s) => queue.recordLocalChange(db, 'create', s)));
    return sessions;
  }

  describe('one transaction with the entity change', () => {
    it('puts the shared session and its operation on disk together', async () => {
      const [s] = await share();
      await store.close();
      ({ store } = await openStore(file));
      store.read((db) => {
        assert.strictEqual(sharedRow(db, s.localId)?.sync_status, 'pending');
        assert.deepStrictEqual(
          queueRows(db).map((r) => [r.entity_id, r.operation]),
          [[s.localId, 'create']],
        );
      });
    });

    it('leaves neither behind when the caller’s write fails after queueing', async () => {
      const s = sharedSession();
      await assert.rejects(
        store.write((db) => {
          queue.recordLocalChange(db, 'create', s);
          throw new Error('the caller changed its mind');
        }),
        /changed its mind/,
      );
      await store.close();
      ({ store } = await openStore(file));
      store.read((db) => {
        assert.strictEqual(sharedRow(db, s.localId), undefined);
        assert.deepStrictEqual(queueRows(db), []);
      });
    });

    it('refuses an invalid entity, naming the field, and queues nothing', async () => {
      const s = sharedSession();
      (s as unknown as { fields: { planned_duration_minutes: number } }).fields.planned_duration_minutes = 0;
      await assert.rejects(
        store.write((db) => queue.enqueue(db, 'create', s)),
        (err: unknown) => err instanceof EntityValidationError && err.field === 'planned_duration_minutes' && /planned_duration_minutes/.test(err.message),
      );
      assert.deepStrictEqual(store.read(queueRows), []);
    });

    it('gives each operation a client-generated UUIDv7', async () => {
      await share();
      const [row] = store.read(queueRows);
      assert.ok(isUuid(row.id));
      assert.ok(uuidv7Time(row.id) > 0, 'uuidv7Time refuses ids that are not version 7');
    });
  });

  describe('coalescing', () => {
    it('turns create then update into one create with the latest payload and the same id', async () => {
      const [s] = await share();
      const firstId = store.read(queueRows)[0].id;
      const edited = SharedSession.fromRecord({ ...s.toRecord(), actual_duration_seconds: 1200, last_modified: '2026-03-02T08:30:00.000Z' });
      await store.write((db) => queue.recordLocalChange(db, 'update', edited));
      const rows = store.read(queueRows);
      assert.strictEqual(rows.length, 1);
      assert.strictEqual(rows[0].id, firstId);
      assert.strictEqual(rows[0].operation, 'create');
      assert.strictEqual(JSON.parse(rows[0].payload).actual_duration_seconds, 1200);
    });

    it('turns several updates into one update', async () => {
      const s = sharedSession({ sync_status: 'synced' });
      await store.write((db) => {
        for (const seconds of [100, 200, 300]) queue.enqueue(db, 'update', SharedSession.fromRecord({ ...s.toRecord(), actual_duration_seconds: seconds }));
      });
      const rows = store.read(queueRows);
      assert.deepStrictEqual(
        rows.map((r) => [r.operation, JSON.parse(r.payload).actual_duration_seconds]),
        [['update', 300]],
      );
    });

    it('sends nothing for a create deleted before it was ever sent', async () => {
      const [s] = await share();
      await store.write((db) => queue.recordLocalChange(db, 'delete', s));
      store.read((db) => {
        assert.deepStrictEqual(queueRows(db), []);
        assert.strictEqual(sharedRow(db, s.localId), undefined);
      });
    });

    it('turns update then delete into a delete', async () => {
      const s = sharedSession({ sync_status: 'synced' });
      await store.write((db) => {
        queue.enqueue(db, 'update', s);
        queue.enqueue(db, 'delete', s);
      });
      assert.deepStrictEqual(store.read(queueRows).map((r) => r.operation), ['delete']);
    });

    it('still deletes a create that an attempt may have delivered', async () => {
      const [s] = await share();
      await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.enqueue(db, 'delete', s));
      assert.deepStrictEqual(store.read(queueRows).map((r) => r.operation), ['delete']);
    });

    it('drops a create queued after everything taken was acknowledged, then deleted before it was sent', async () => {
      await share(3);
      const sent = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.markSucceeded(db, sent));
      const [later, kept] = await share(2);
      await store.write((db) => queue.enqueue(db, 'delete', later));
      assert.deepStrictEqual(
        store.read(queueRows).map((r) => [r.entity_id, r.operation]),
        [[kept.localId, 'create']],
      );
    });

    it('still deletes a create taken earlier when younger ones were acknowledged around it', async () => {
      const [early, young] = await share(2);
      const sent = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.markSucceeded(db, sent.filter((op) => op.entityId === young.localId)));
      await store.write((db) => queue.enqueue(db, 'delete', early));
      assert.deepStrictEqual(store.read(queueRows).map((r) => [r.entity_id, r.operation]), [[early.localId, 'delete']]);
    });
  });

  describe('batches', () => {
    it('sends at most 50 operations per round by default, oldest first', async () => {
      const sessions = await share(120);
      const first = await store.write((db) => queue.takeBatch(db, clock.now()));
      assert.deepStrictEqual(
        first.map((op) => op.entityId),
        sessions.slice(0, 50).map((s) => s.localId),
      );
      await store.write((db) => queue.markSucceeded(db, first));
      const second = await store.write((db) => queue.takeBatch(db, clock.now(), 7));
      assert.deepStrictEqual(
        second.map((op) => op.entityId),
        sessions.slice(50, 57).map((s) => s.localId),
      );
    });

    it('claims the rest of the queue in one write, so a long push reads it window by window', async () => {
      const [first, second, ...rest] = await share(5);
      const { taken, through } = await store.write((db) => {
        const ops = queue.takeBatch(db, clock.now(), 2);
        return { taken: ops, through: queue.claimPending(db, ops[1].seq) };
      });
      assert.deepStrictEqual(taken.map((op) => op.entityId), [first.localId, second.localId]);
      // The mark is on each row, where a window still running an older FocusFlow on this file reads it too.
      const marked = store.read((db) => db.all<{ entity_id: string }>('SELECT entity_id FROM sync_queue WHERE may_exist_remotely = 1'));
      assert.deepStrictEqual(marked.map((r) => r.entity_id).sort(), [first, second, ...rest].map((x) => x.localId).sort());
      const [late] = await share(1);
      const cursor = taken[1].seq;
      store.read((db) => {
        assert.deepStrictEqual(queue.readClaimed(db, clock.now(), cursor, through, 10).map((op) => op.entityId), rest.map((s) => s.localId));
        assert.deepStrictEqual(queue.readClaimed(db, clock.now(), cursor, through, 2).map((op) => op.entityId), rest.slice(0, 2).map((s) => s.localId));
        assert.strictEqual(queue.hasUnclaimed(db, through), true, 'the share made after the claim must be taken by a write');
      });
      // A claimed create may have gone out by the time it is unshared; the one queued after the claim cannot have.
      await store.write((db) => {
        queue.enqueue(db, 'delete', rest[0]);
        queue.enqueue(db, 'delete', late);
      });
      assert.deepStrictEqual(
        store.read(queueRows).map((r) => [r.entity_id, r.operation]),
        [[first.localId, 'create'], [second.localId, 'create'], [rest[0].localId, 'delete'], [rest[1].localId, 'create'], [rest[2].localId, 'create']],
      );
      assert.strictEqual(store.read((db) => queue.hasUnclaimed(db, through)), false);
    });

    it('reads claimed operations only up to one still backing off', async () => {
      const sessions = await share(4);
      const { head, through } = await store.write((db) => {
        const [op] = queue.takeBatch(db, clock.now(), 1);
        return { head: op, through: queue.claimPending(db, op.seq) };
      });
      const [waiting] = await store.write((db) => queue.takeBatch(db, clock.now(), 1, head.seq));
      await store.write((db) => queue.markFailed(db, waiting, 'HTTP 503'));
      assert.deepStrictEqual(store.read((db) => queue.readClaimed(db, clock.now(), head.seq, through, 10)), []);
      clock.advance(60 * 60_000);
      assert.deepStrictEqual(
        store.read((db) => queue.readClaimed(db, clock.now(), head.seq, through, 10)).map((op) => op.entityId),
        sessions.slice(1).map((s) => s.localId),
      );
    });

    it('does not hold back a change whose earlier content the server refused for good while it was in flight', async () => {
      const [s, next] = await share(2);
      const [sent] = await store.write((db) => queue.takeBatch(db, clock.now(), 1));
      const edited = SharedSession.fromRecord({ ...s.toRecord(), actual_duration_seconds: 600 });
      await store.write((db) => queue.recordLocalChange(db, 'create', edited));
      await store.write((db) => queue.markFailed(db, sent, 'not allowed', { permanent: true }));
      const due = await store.write((db) => queue.takeBatch(db, clock.now(), 10));
      assert.deepStrictEqual(due.map((op) => op.entityId), [s.localId, next.localId], 'the new content goes out now, in its place');
      assert.strictEqual((due[0].payload as { actual_duration_seconds: number }).actual_duration_seconds, 600);
    });

    it('honours a configured batch size', async () => {
      await share(12);
      const custom = makeQueue({ batchSize: 5 });
      assert.strictEqual((await store.write((db) => custom.takeBatch(db, clock.now()))).length, 5);
    });

    it('keeps the newer edit when the entity changed while its create was in flight', async () => {
      const [s] = await share();
      const [sent] = await store.write((db) => queue.takeBatch(db, clock.now()));
      const edited = SharedSession.fromRecord({ ...s.toRecord(), actual_duration_seconds: 42 });
      await store.write((db) => queue.recordLocalChange(db, 'update', edited));
      await store.write((db) => queue.markSucceeded(db, sent));
      const [next] = await store.write((db) => queue.takeBatch(db, clock.now()));
      assert.strictEqual(next.id, sent.id);
      assert.strictEqual(next.operation, 'update');
      assert.strictEqual((next.payload as { actual_duration_seconds: number }).actual_duration_seconds, 42);
      assert.strictEqual(store.read((db) => sharedRow(db, s.localId)?.sync_status), 'pending');
    });

    it('still re-creates a record deleted on the server while the user re-created it locally', async () => {
      const s = sharedSession({ sync_status: 'synced' });
      await store.write((db) => queue.enqueue(db, 'delete', s));
      const batch = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.enqueue(db, 'create', SharedSession.fromRecord({ ...s.toRecord(), actual_duration_seconds: 5 })));
      await store.write((db) => queue.markSucceeded(db, batch));
      const [next] = await store.write((db) => queue.takeBatch(db, clock.now()));
      assert.deepStrictEqual([next.operation, (next.payload as { actual_duration_seconds: number }).actual_duration_seconds], ['create', 5]);
    });

    it('holds later operations back while the oldest waits for its retry, so none overtakes it', async () => {
      const [a] = await share();
      const [sentA] = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.markFailed(db, sentA, 'HTTP 503'));
      const [b] = await share();
      const due = store.read((db) => queue.nextAttemptAt(db))!;
      assert.ok(due > clock.now());
      assert.deepStrictEqual(await store.write((db) => queue.takeBatch(db, due - 1)), []);
      assert.deepStrictEqual(
        (await store.write((db) => queue.takeBatch(db, due))).map((op) => op.entityId),
        [a.localId, b.localId],
      );
    });
  });

  describe('success', () => {
    it('removes the operation, marks the session synced with its remote id, and counts it', async () => {
      const [s] = await share();
      clock.advance(5_000);
      const batch = await store.write((db) => queue.takeBatch(db, clock.now()));
      assert.strictEqual(await store.write((db) => queue.markSucceeded(db, batch)), 1);
      store.read((db) => {
        assert.deepStrictEqual(queueRows(db), []);
        assert.deepStrictEqual(sharedRow(db, s.localId), { sync_status: 'synced', remote_session_id: uuidToBase64(s.localId) });
        assert.deepStrictEqual(queue.stats(db), { pending: 0, held: 0, heldFor: [], failed: 0, synced: 1, lastSyncAt: clock.now(), lastError: undefined });
      });
    });
  });

  describe('failures', () => {
    it('persists the next attempt time so backoff survives a restart', async () => {
      await share();
      const [op] = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.markFailed(db, op, 'connect ECONNREFUSED 127.0.0.1:4000'));
      // random() = 0.5 and the first delay's ceiling is the 2 s base.
      const expected = clock.now() + 1_000;
      await store.close();
      ({ store } = await openStore(file));
      const reopened = makeQueue({ random: () => 0.99 });
      assert.strictEqual(store.read((db) => reopened.nextAttemptAt(db)), expected);
      assert.deepStrictEqual(await store.write((db) => reopened.takeBatch(db, expected - 1)), []);
      const [again] = await store.write((db) => reopened.takeBatch(db, expected));
      assert.strictEqual(again.id, op.id);
      assert.strictEqual(again.retryCount, 1);
      assert.strictEqual(again.lastError, 'connect ECONNREFUSED 127.0.0.1:4000');
    });

    it('waits at least as long as the server’s Retry-After', async () => {
      await share();
      const [op] = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.markFailed(db, op, 'HTTP 429', { retryAfterMs: 30_000 }));
      assert.strictEqual(store.read((db) => queue.nextAttemptAt(db)), clock.now() + 30_000);
    });

    it('retries a failed batch together', async () => {
      await share(3);
      const batch = await store.write((db) => queue.takeBatch(db, clock.now()));
      let draws = 0;
      const spread = makeQueue({ random: () => [0.1, 0.9, 0.5][draws++ % 3] });
      await store.write((db) => spread.markFailed(db, batch, 'HTTP 500'));
      const times = store.read((db) => db.all<{ t: number }>('SELECT next_attempt_at AS t FROM sync_queue').map((r) => r.t));
      assert.strictEqual(new Set(times).size, 1);
    });

    it('marks an operation failed after 8 failed attempts, keeping the last error', async () => {
      const [s] = await share();
      for (let attempt = 1; attempt <= 8; attempt++) {
        clock.advance(24 * 3600_000);
        const [op] = await store.write((db) => queue.takeBatch(db, clock.now()));
        assert.ok(op, `attempt ${attempt} should be due`);
        const outcome = await store.write((db) => queue.markFailed(db, op, `HTTP 503 (attempt ${attempt})`));
        assert.deepStrictEqual(outcome, attempt < 8 ? { failed: 0, retrying: 1 } : { failed: 1, retrying: 0 });
      }
      clock.advance(24 * 3600_000);
      assert.deepStrictEqual(await store.write((db) => queue.takeBatch(db, clock.now())), []);
      store.read((db) => {
        assert.deepStrictEqual(queue.stats(db), { pending: 0, held: 0, heldFor: [], failed: 1, synced: 0, lastSyncAt: undefined, lastError: 'HTTP 503 (attempt 8)' });
        const [failed] = queue.listFailed(db);
        assert.strictEqual(failed.lastError, 'HTTP 503 (attempt 8)');
        assert.strictEqual(failed.retryCount, 8);
        assert.strictEqual(sharedRow(db, s.localId)?.sync_status, 'failed');
      });
    });

    it('stamps every answered attempt in last_attempt_at, which Show Sync Status reads back', async () => {
      await share();
      const lastAttempt = () => store.read((db) => db.get<{ t: number | null }>('SELECT last_attempt_at AS t FROM sync_queue')?.t);
      assert.strictEqual(lastAttempt(), null, 'never attempted yet');
      const [op] = await store.write((db) => queue.takeBatch(db, clock.now()));
      const firstAt = clock.now();
      await store.write((db) => queue.markFailed(db, op, 'HTTP 500'));
      assert.strictEqual(lastAttempt(), firstAt);
      clock.advance(3600_000);
      const [again] = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.markFailed(db, again, 'refused', { permanent: true }));
      const [failed] = store.read((db) => queue.listFailed(db));
      assert.strictEqual(failed.lastAttemptAt, clock.now(), 'the failed change says when it was last tried');
    });

    it('honours a configured attempt limit', async () => {
      const strict = makeQueue({ maxAttempts: 2 });
      await share();
      for (let i = 0; i < 2; i++) {
        clock.advance(3600_000);
        const [op] = await store.write((db) => strict.takeBatch(db, clock.now()));
        await store.write((db) => strict.markFailed(db, op, 'HTTP 500'));
      }
      assert.strictEqual(store.read((db) => strict.stats(db).failed), 1);
    });

    it('fails a permanent rejection at once with the server’s reason', async () => {
      const [s] = await share();
      const [op] = await store.write((db) => queue.takeBatch(db, clock.now()));
      const reason = 'HTTP 403: forbidden (not a member of this team)';
      assert.deepStrictEqual(await store.write((db) => queue.markFailed(db, op, reason, { permanent: true })), { failed: 1, retrying: 0 });
      store.read((db) => {
        assert.deepStrictEqual(
          queue.listFailed(db).map((f) => [f.entityId, f.lastError, f.retryCount]),
          [[s.localId, reason, 1]],
        );
        assert.strictEqual(queue.stats(db).lastError, reason);
      });
    });

    it('does not fail a newer edit for the rejection of the content sent before it', async () => {
      const [s] = await share();
      const [op] = await store.write((db) => queue.takeBatch(db, clock.now()));
      await store.write((db) => queue.enqueue(db, 'update', SharedSession.fromRecord({ ...s.toRecord(), actual_duration_seconds: 7 })));
      await store.write((db) => queue.markFailed(db, op, 'HTTP 400: constraint', { permanent: true }));
      assert.deepStrictEqual(store.read((db) => [queue.stats(db).pending, queue.stats(db).failed]), [1, 0]);
    });

    it('retries all failed operations and says how many', async () => {
      const sessions = await share(5);
      const batch = await store.write((db) => queue.takeBatch(db, clock.now(), 3));
      await store.write((db) => queue.markFailed(db, batch, 'HTTP 403', { permanent: true }));
      assert.strictEqual(await store.write((db) => queue.retryFailed(db)), 3);
      store.read((db) => {
        assert.deepStrictEqual([queue.stats(db).pending, queue.stats(db).failed], [5, 0]);
        assert.strictEqual(sharedRow(db, sessions[0].localId)?.sync_status, 'pending');
      });
      const again = await store.write((db) => queue.takeBatch(db, clock.now()));
      assert.deepStrictEqual(
        again.map((op) => [op.id, op.retryCount]),
        [...batch.map((op) => [op.id, 0]), ...again.slice(3).map((op) => [op.id, 0])],
      );
      assert.strictEqual(await store.write((db) => queue.retryFailed(db)), 0);
    });

    it('clears all failed operations and says how many, leaving pending ones', async () => {
      const sessions = await share(4);
      const batch = await store.write((db) => queue.takeBatch(db, clock.now(), 3));
      await store.write((db) => queue.markFailed(db, batch, 'HTTP 400: bad value', { permanent: true }));
      assert.strictEqual(await store.write((db) => queue.clearFailed(db)), 3);
      store.read((db) => {
        assert.deepStrictEqual(queueRows(db).map((r) => r.entity_id), [sessions[3].localId]);
        assert.strictEqual(sharedRow(db, sessions[0].localId)?.sync_status, 'failed');
      });
      assert.strictEqual(await store.write((db) => queue.clearFailed(db)), 0);
    });
  });

  it('opens a database created before the queue had a schedule, keeping its operations', async () => {
    const legacyFile = tempDbFile();
    const legacy = (await openStoreOnDisk({ file: legacyFile, logger: silentLogger, migrations: migrations.slice(0, 1) })).store;
    await legacy.write((db) =>
      db.run(`INSERT INTO sync_queue (id, entity_type, entity_id, operation, payload, created_at) VALUES (?, 'shared_session', ?, 'create', ?, ?)`, [
        '0193f1a2-0000-7000-8000-000000000001',
        sharedSession().localId,
        JSON.stringify(sharedSession().toRecord()),
        '2026-03-01T00:00:00.000Z',
      ]),
    );
    await legacy.close();
    const upgraded = (await openStore(legacyFile)).store;
    try {
      const [op] = await upgraded.write((db) => queue.takeBatch(db, clock.now()));
      assert.strictEqual(op.id, '0193f1a2-0000-7000-8000-000000000001');
      assert.strictEqual(op.status, 'pending');
    } finally {
      await upgraded.close();
    }
  });
});
