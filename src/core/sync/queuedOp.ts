import type { Operation } from './coalesce';

/** One outgoing operation as the queue holds it. `payload` is the entity's record (`toRecord()`). */
export interface QueuedOp {
  /** Stable client UUIDv7 of the operation: the same on every retry. */
  id: string;
  entityType: string;
  entityId: string;
  operation: Operation;
  payload: unknown;
  createdAt: string;
  retryCount: number;
  lastError: string | null;
  status: 'pending' | 'failed';
  nextAttemptAt: number;
  /** Epoch ms of the last attempt to send it that the server answered, or null before the first. */
  lastAttemptAt: number | null;
  /** Bumped by every coalesced change; an acknowledgement only retires the revision that was sent. */
  revision: number;
  /** Position in the queue: operations leave in this order (an entity keeps its place when it changes again). */
  seq: number;
}

/** A `sync_queue` row as SQLite returns it. */
export interface QueueRow {
  id: string;
  entity_type: string;
  entity_id: string;
  operation: Operation;
  payload: string;
  created_at: string;
  retry_count: number | null;
  last_error: string | null;
  status: 'pending' | 'failed';
  next_attempt_at: number;
  last_attempt_at: number | null;
  revision: number;
  may_exist_remotely: number;
  seq: number;
}

/** The operation a queue row holds. */
export function toOp(row: QueueRow): QueuedOp {
  return {
    id: row.id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    operation: row.operation,
    payload: JSON.parse(row.payload) as unknown,
    createdAt: row.created_at,
    retryCount: row.retry_count ?? 0,
    lastError: row.last_error,
    status: row.status,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at ?? null,
    revision: row.revision,
    seq: row.seq,
  };
}

export function asList(ops: QueuedOp | readonly QueuedOp[]): readonly QueuedOp[] {
  return Array.isArray(ops) ? ops : [ops as QueuedOp];
}
