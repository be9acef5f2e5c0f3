import type { SqlDb } from '../store';
import { heldChanges, type HeldChanges } from './heldChanges';
import { getSyncState } from './syncState';

export interface QueueStats {
  pending: number;
  /** Of `pending`, those another account queued on this machine: they wait until it signs in again. */
  held: number;
  /** Whose sign-in the held changes wait for, per account, oldest first. */
  heldFor: HeldChanges[];
  failed: number;
  /** Operations the server acknowledged, ever. */
  synced: number;
  /** Epoch ms of the last acknowledgement or completed sync run. */
  lastSyncAt: number | undefined;
  /** The most recent failure, until something succeeds after it. */
  lastError: string | undefined;
}

export const KEY_SYNCED = 'queue.synced_total';
export const KEY_LAST_SYNC_AT = 'queue.last_sync_at';
export const KEY_LAST_ERROR = 'queue.last_error';

/** Not held for another user: binds the signed-in user's id twice (NULL when nobody is signed in). */
export const SENDABLE = '(? IS NULL OR owner IS NULL OR owner = ?)';

/** What the status bar and Show Sync Status report about the queue, for the signed-in `owner`. */
export function queueStats(db: SqlDb, owner: string | null): QueueStats {
  const counts = db.get<{ pending: number; held: number; failed: number }>(
    `SELECT COALESCE(SUM(status = 'pending'), 0) AS pending, COALESCE(SUM(status = 'pending' AND NOT ${SENDABLE}), 0) AS held,
       COALESCE(SUM(status = 'failed'), 0) AS failed FROM sync_queue`,
    [owner, owner],
  );
  const held = counts?.held ?? 0;
  const lastSyncAt = getSyncState(db, KEY_LAST_SYNC_AT);
  return {
    pending: counts?.pending ?? 0,
    held,
    heldFor: held > 0 ? heldChanges(db, SENDABLE, [owner, owner]) : [],
    failed: counts?.failed ?? 0,
    synced: syncedTotal(db),
    lastSyncAt: lastSyncAt === undefined ? undefined : Number(lastSyncAt),
    lastError: getSyncState(db, KEY_LAST_ERROR),
  };
}

export function syncedTotal(db: SqlDb): number {
  return Number(getSyncState(db, KEY_SYNCED) ?? 0);
}
