import type { SqlDb } from './sqlDb';
import type { Migration } from './migrations/migration';
import { StoreError } from './errors';

export function schemaVersion(db: SqlDb): number {
  return db.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0;
}

/**
 * Brings the schema up to the newest version, one step at a time, each step in the caller's
 * transaction. Returns the versions before and after so the caller knows whether to persist.
 */
export function migrate(db: SqlDb, migrations: readonly Migration[]): { from: number; to: number } {
  const from = schemaVersion(db);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (from > latest) {
    throw new StoreError(
      'too-new',
      `The FocusFlow database was written by a newer version of the extension (schema ${from}, this one knows ${latest}). Update FocusFlow (or reload this window, if another one already runs the newer version) to keep using it.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    migration.up(db);
    db.exec(`PRAGMA user_version = ${migration.version}`);
  }
  return { from, to: Math.max(from, latest) };
}
