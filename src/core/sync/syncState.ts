import type { SqlDb } from '../store';

/**
 * The `sync_state` key/value table: queue statistics, pull checkpoints, the cross-window sync lease.
 * Call inside `store.read`/`store.write` like any other query.
 */
export function getSyncState(db: SqlDb, key: string): string | undefined {
  return db.get<{ value: string }>('SELECT value FROM sync_state WHERE key = ?', [key])?.value;
}

export function setSyncState(db: SqlDb, key: string, value: string): void {
  db.run('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
}

export function deleteSyncState(db: SqlDb, key: string): void {
  db.run('DELETE FROM sync_state WHERE key = ?', [key]);
}
