import type { Clock } from '../clock';
import { uuidv7 } from '../ids';
import type { SqlDb } from '../store';
import { defaultBackoff, type BackoffPolicy } from '../backoff';
import { coalesce, type Operation } from './coalesce';
import type { AnySyncableEntity } from '../entities/entity';
import type { EntityRegistry } from '../entities/registry';
import { asList, toOp, type QueuedOp, type QueueRow } from './queuedOp';
import { recordAcknowledged, recordFailure, setSyncStatus, type FailureOptions, type OutcomeContext } from './queueOutcomes';
import { KEY_LAST_SYNC_AT, queueStats, SENDABLE, type QueueStats } from './queueStats';
import { setSyncState } from './syncState';

export type { Operation } from './coalesce';
export type { QueueStats } from './queueStats';
export type { FailureOptions } from './queueOutcomes';

export interface SyncQueueOptions {
  registry: EntityRegistry;
  clock: Clock;
  /** [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
  /** Failed attempts after which an operation is marked failed (setting, default 8). */
  maxAttempts?: number;
  /** The signed-in user (local id): operations another user owns are held, neither sent nor charged. */
  owner?: string;
  /** Operations per round (setting, default 50). */
  batchSize?: number;
  backoff?: BackoffPolicy;
}

/** Marks the creates among the sendable pending operations in a range of positions as possibly delivered. */
const MARK_MAY_EXIST = `UPDATE sync_queue SET may_exist_remotely = 1
  WHERE operation = 'create' AND may_exist_remotely = 0 AND status = 'pending' AND ${SENDABLE} AND seq > ? AND seq <= ?`;

/**
 * The outbox over the `sync_queue` table. Every method takes the `SqlDb` of the caller's store
 * transaction: `enqueue` inside the same `store.write` as the entity change; `takeBatch` and the
 * `mark*` calls inside the engine's writes (a round's results and the next batch may share one write).
 *
 * Invariants: at most one operation per entity (changes coalesce); operations leave in the order their
 * entity first entered the queue, and a batch stops at the first operation still waiting for its next
 * attempt, so a record never overtakes one it may depend on.
 */
export class SyncQueue {
  readonly maxAttempts: number;
  readonly batchSize: number;
  private readonly owner: string | null;
  private readonly registry: EntityRegistry;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;

  constructor(options: SyncQueueOptions) {
    this.registry = options.registry;
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.owner = options.owner ?? null;
    this.batchSize = options.batchSize ?? 50;
    this.backoff = options.backoff ?? defaultBackoff;
  }

  /**
   * Queues a local change, coalesced with what is already queued for the entity. Validates the entity
   * first (throws `EntityValidationError`, nothing queued). Returns the operation now queued for the
   * entity, or undefined when nothing needs to go out (created and deleted before it was ever sent).
   */
  enqueue(db: SqlDb, operation: Operation, entity: AnySyncableEntity): QueuedOp | undefined {
    const definition = this.registry.get(entity.entityType);
    const invalid = entity.validate();
    if (invalid) throw invalid;
    const payload = JSON.stringify(definition.toRecord(entity));
    const existing = this.rowFor(db, entity.entityType, entity.localId);
    const next = coalesce(existing && { operation: existing.operation, mayExistRemotely: existing.may_exist_remotely === 1 }, operation);
    if (!existing) {
      const newest = db.get<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM sync_queue')?.seq ?? 0;
      const op: QueuedOp = {
        id: uuidv7(this.clock.now()),
        entityType: entity.entityType,
        entityId: entity.localId,
        operation,
        payload: JSON.parse(payload) as unknown,
        createdAt: new Date(this.clock.now()).toISOString(),
        retryCount: 0,
        lastError: null,
        status: 'pending',
        nextAttemptAt: 0,
        lastAttemptAt: null,
        revision: 0,
        seq: newest + 1,
      };
      db.run(
        `INSERT INTO sync_queue (id, entity_type, entity_id, operation, payload, created_at, retry_count, status,
           next_attempt_at, seq, revision, may_exist_remotely, owner)
         VALUES (?, ?, ?, ?, ?, ?, 0, 'pending', 0, ?, 0, 0, ?)`,
        [op.id, op.entityType, op.entityId, operation, payload, op.createdAt, op.seq, definition.ownerOf?.(entity) ?? null],
      );
      return op;
    }
    if (next.kind === 'drop') {
      db.run('DELETE FROM sync_queue WHERE id = ?', [existing.id]);
      return undefined;
    }
    if (next.kind === 'replace') {
      // New content deserves a fresh set of attempts, even if the old one had failed for good.
      db.run(
        `UPDATE sync_queue SET operation = ?, payload = ?, may_exist_remotely = ?, revision = revision + 1,
           retry_count = 0, status = 'pending' WHERE id = ?`,
        [next.operation, payload, next.mayExistRemotely ? 1 : 0, existing.id],
      );
    }
    return this.opById(db, existing.id);
  }

  /**
   * Saves or removes the local row and queues the operation, for callers that want both in one call.
   * Run it inside `store.write` so both land in one transaction.
   */
  recordLocalChange(db: SqlDb, operation: Operation, entity: AnySyncableEntity): QueuedOp | undefined {
    const definition = this.registry.get(entity.entityType);
    const queued = this.enqueue(db, operation, entity);
    if (operation === 'delete') definition.remove(db, entity.localId);
    else definition.save(db, entity);
    return queued;
  }

  /**
   * The next operations to send after position `afterSeq` (0: from the head), oldest first, at most
   * `limit`, stopping at the first one whose next attempt is still in the future. Marks them as possibly
   * delivered, so this belongs in a write that is on disk before they are sent.
   */
  takeBatch(db: SqlDb, now: number, limit: number = this.batchSize, afterSeq = 0): QueuedOp[] {
    const due = this.due(db, now, afterSeq, Number.MAX_SAFE_INTEGER, limit);
    if (due.length > 0) db.run(MARK_MAY_EXIST, [this.owner, this.owner, afterSeq, due[due.length - 1].seq]);
    return due;
  }

  /**
   * Marks every operation waiting to be sent after position `afterSeq` as possibly delivered, so that a
   * long push can read them in windows (`readClaimed`) instead of writing the whole database file before
   * each window. Returns the position claimed through. Claiming what a cut-short push then never sends
   * costs little: unsharing one of those later sends a delete the server did not need.
   */
  claimPending(db: SqlDb, afterSeq: number): number {
    db.run(MARK_MAY_EXIST, [this.owner, this.owner, afterSeq, Number.MAX_SAFE_INTEGER]);
    const newest = db.get<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM sync_queue WHERE status = 'pending' AND ${SENDABLE}`, [
      this.owner,
      this.owner,
    ])?.seq;
    return Math.max(newest ?? 0, afterSeq);
  }

  /** Whether operations wait after position `throughSeq` (queued after a claim through it). */
  hasUnclaimed(db: SqlDb, throughSeq: number): boolean {
    return db.get(`SELECT 1 FROM sync_queue WHERE status = 'pending' AND ${SENDABLE} AND seq > ? LIMIT 1`, [this.owner, this.owner, throughSeq]) !== undefined;
  }

  /** What `takeBatch` would take, among operations claimed through `throughSeq`, without writing: a read is enough. */
  readClaimed(db: SqlDb, now: number, afterSeq: number, throughSeq: number, limit: number): QueuedOp[] {
    return this.due(db, now, afterSeq, throughSeq, limit);
  }

  /** When `takeBatch` will next return something: 0 if now, undefined if nothing is pending. */
  nextAttemptAt(db: SqlDb): number | undefined {
    return db.get<{ next_attempt_at: number }>(
      `SELECT next_attempt_at FROM sync_queue WHERE status = 'pending' AND ${SENDABLE} ORDER BY seq LIMIT 1`,
      [this.owner, this.owner],
    )?.next_attempt_at;
  }

  /**
   * The server applied these operations. Each one's row goes away, unless the entity changed while the
   * request was in flight: then the newer change stays queued. Returns how many were acknowledged.
   */
  markSucceeded(db: SqlDb, ops: QueuedOp | readonly QueuedOp[]): number {
    return recordAcknowledged(db, asList(ops), this.outcomeContext());
  }

  /**
   * These operations failed. Transient failures wait for a capped, jittered, exponentially growing
   * delay (one draw for the whole group, so a batch stays together); after `maxAttempts` failures, or at
   * once when `permanent`, an operation is marked failed and keeps the error. An operation whose entity
   * changed since it was sent is not charged: the new content has not failed yet.
   */
  markFailed(db: SqlDb, ops: QueuedOp | readonly QueuedOp[], error: string, options: FailureOptions = {}): { failed: number; retrying: number } {
    return recordFailure(db, asList(ops), error, options, this.outcomeContext());
  }

  /** Gives every failed operation a fresh set of attempts, due now. Returns how many. */
  retryFailed(db: SqlDb): number {
    setSyncStatus(db, this.registry, this.listFailed(db), 'pending');
    return db.run(`UPDATE sync_queue SET status = 'pending', retry_count = 0, next_attempt_at = 0 WHERE status = 'failed'`);
  }

  /** Drops every failed operation; their local rows keep sync status `failed`. Returns how many. */
  clearFailed(db: SqlDb): number {
    return db.run(`DELETE FROM sync_queue WHERE status = 'failed'`);
  }

  /** Failed operations with their errors, oldest first (for the status quick pick). */
  listFailed(db: SqlDb): QueuedOp[] {
    return db.all<QueueRow>(`SELECT * FROM sync_queue WHERE status = 'failed' ORDER BY seq`).map(toOp);
  }

  /** The operation queued for an entity, if any (the engine checks it before applying a remote change). */
  pendingFor(db: SqlDb, entityType: string, entityId: string): QueuedOp | undefined {
    const row = this.rowFor(db, entityType, entityId);
    return row && toOp(row);
  }

  /** Forgets the operation queued for an entity (the remote version won a conflict). */
  discard(db: SqlDb, entityType: string, entityId: string): boolean {
    return db.run('DELETE FROM sync_queue WHERE entity_type = ? AND entity_id = ?', [entityType, entityId]) > 0;
  }

  /** Sets the last sync time, e.g. after a run that only pulled. */
  noteSyncCompleted(db: SqlDb, at: number): void {
    setSyncState(db, KEY_LAST_SYNC_AT, String(at));
  }

  stats(db: SqlDb): QueueStats {
    return queueStats(db, this.owner);
  }

  private due(db: SqlDb, now: number, afterSeq: number, throughSeq: number, limit: number): QueuedOp[] {
    const rows = db.all<QueueRow>(
      `SELECT * FROM sync_queue WHERE status = 'pending' AND ${SENDABLE} AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
      [this.owner, this.owner, afterSeq, throughSeq, Math.max(0, limit)],
    );
    const due: QueuedOp[] = [];
    for (const row of rows) {
      if (row.next_attempt_at > now) break;
      due.push(toOp(row));
    }
    return due;
  }

  private outcomeContext(): OutcomeContext {
    return { registry: this.registry, clock: this.clock, random: this.random, backoff: this.backoff, maxAttempts: this.maxAttempts };
  }

  private rowFor(db: SqlDb, entityType: string, entityId: string): QueueRow | undefined {
    return db.get<QueueRow>('SELECT * FROM sync_queue WHERE entity_type = ? AND entity_id = ?', [entityType, entityId]);
  }

  private opById(db: SqlDb, id: string): QueuedOp | undefined {
    const row = db.get<QueueRow>('SELECT * FROM sync_queue WHERE id = ?', [id]);
    return row && toOp(row);
  }
}
