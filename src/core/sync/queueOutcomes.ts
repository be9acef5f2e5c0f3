import type { Clock } from '../clock';
import type { SqlDb } from '../store';
import { backoffDelay, type BackoffPolicy } from '../backoff';
import type { Operation } from './coalesce';
import type { QueuedOp, QueueRow } from './queuedOp';
import { KEY_LAST_ERROR, KEY_LAST_SYNC_AT, KEY_SYNCED, syncedTotal } from './queueStats';
import type { EntityRegistry } from '../entities/registry';
import { deleteSyncState, setSyncState } from './syncState';

/** What recording an attempt's outcome needs of the queue. */
export interface OutcomeContext {
  registry: EntityRegistry;
  clock: Clock;
  random: () => number;
  backoff: BackoffPolicy;
  maxAttempts: number;
}

export interface FailureOptions {
  /** The server refused for good (validation, forbidden): fail now, keep its reason. */
  permanent?: boolean;
  /** The server's Retry-After, in ms: the next attempt waits at least this long. */
  retryAfterMs?: number;
}

/** See `SyncQueue.markSucceeded`. */
export function recordAcknowledged(db: SqlDb, list: readonly QueuedOp[], o: OutcomeContext): number {
  const now = o.clock.now();
  const acknowledged = list.length;
  const sent = JSON.stringify(Object.fromEntries(list.map((op) => [op.id, op.revision])));
  // Rows still holding the revision that was sent are done: one statement retires them all.
  const retired = db.run(
    `DELETE FROM sync_queue WHERE rowid IN (SELECT q.rowid FROM json_each(?) AS sent
       JOIN sync_queue AS q ON q.id = sent.key AND q.revision = sent.value)`,
    [sent],
  );
  // Usually that was all of them. Otherwise the rows left changed while their request was in flight.
  const kept = new Map<string, Operation>();
  if (retired < list.length) {
    for (const row of db.all<{ id: string; operation: Operation }>(
      'SELECT q.id, q.operation FROM json_each(?) AS sent JOIN sync_queue AS q ON q.id = sent.key',
      [sent],
    )) {
      kept.set(row.id, row.operation);
    }
  }
  for (const op of list) {
    const operation = kept.get(op.id);
    if (operation === undefined) continue;
    // The newer change still has to go out. If what was acknowledged was this create, the record now
    // exists and the change is an update; a create queued after an acknowledged delete stays a create.
    const delivered = op.operation === 'create' && operation === 'create';
    db.run(`UPDATE sync_queue SET operation = ?, retry_count = 0, status = 'pending', next_attempt_at = 0, last_attempt_at = ? WHERE id = ?`, [
      delivered ? 'update' : operation,
      now,
      op.id,
    ]);
  }
  setSyncStatus(
    db,
    o.registry,
    list.filter((op) => !kept.has(op.id) && op.operation !== 'delete'),
    'synced',
  );
  if (acknowledged > 0) {
    setSyncState(db, KEY_SYNCED, String(syncedTotal(db) + acknowledged));
    setSyncState(db, KEY_LAST_SYNC_AT, String(now));
    deleteSyncState(db, KEY_LAST_ERROR);
  }
  return acknowledged;
}

/** See `SyncQueue.markFailed`. Every attempt is stamped in `last_attempt_at`, which Show Sync Status shows. */
export function recordFailure(
  db: SqlDb,
  list: readonly QueuedOp[],
  error: string,
  options: FailureOptions,
  o: OutcomeContext,
): { failed: number; retrying: number } {
  const now = o.clock.now();
  const rows = list
    .map((op) => ({ op, row: db.get<QueueRow>('SELECT * FROM sync_queue WHERE id = ?', [op.id]) }))
    .filter((r): r is { op: QueuedOp; row: QueueRow } => r.row !== undefined && r.row.status === 'pending');
  const failures = Math.max(1, ...rows.map(({ row }) => (row.retry_count ?? 0) + 1));
  const nextAttemptAt = now + Math.max(backoffDelay(failures, o.random, o.backoff), options.retryAfterMs ?? 0);
  const givenUp: QueuedOp[] = [];
  for (const { op, row } of rows) {
    const sameContent = row.revision === op.revision;
    const retryCount = (row.retry_count ?? 0) + (sameContent ? 1 : 0);
    const givesUp = sameContent && (options.permanent === true || retryCount >= o.maxAttempts);
    // A refusal of content the user has since changed says nothing about the new content: it is due at
    // once. (After a transient failure it waits like the rest: the server is what is unwell.)
    const waitUntil = !sameContent && options.permanent === true ? now : nextAttemptAt;
    db.run(`UPDATE sync_queue SET retry_count = ?, last_error = ?, status = ?, next_attempt_at = ?, last_attempt_at = ? WHERE id = ?`, [
      retryCount,
      error,
      givesUp ? 'failed' : 'pending',
      waitUntil,
      now,
      op.id,
    ]);
    if (givesUp) givenUp.push(op);
  }
  setSyncStatus(db, o.registry, givenUp, 'failed');
  if (rows.length > 0) setSyncState(db, KEY_LAST_ERROR, error);
  return { failed: givenUp.length, retrying: rows.length - givenUp.length };
}

/** Records the queue's news on the local rows: one statement per entity type for the whole list. */
export function setSyncStatus(db: SqlDb, registry: EntityRegistry, ops: readonly QueuedOp[], status: 'pending' | 'synced' | 'failed'): void {
  const idsByType = new Map<string, string[]>();
  for (const op of ops) {
    const ids = idsByType.get(op.entityType);
    if (ids) ids.push(op.entityId);
    else idsByType.set(op.entityType, [op.entityId]);
  }
  for (const [type, ids] of idsByType) registry.get(type).setSyncStatus(db, ids, status);
}
