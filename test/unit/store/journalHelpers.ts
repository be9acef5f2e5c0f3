import * as fs from 'fs';
import * as path from 'path';
import initSqlJs from 'sql.js';
import { DEFAULT_JOURNAL_LIMIT_BYTES, Store, type SqlDb, type StoreOptions } from '../../../src/core/store';
import { JournaledImage } from '../../../src/core/store/journaledImage';
import { createNodeStorage } from '../../../src/node/store/nodeStorage';
import { SqlJsDb } from '../../../src/core/store/sqlDb';
import { loadSqlJs } from '../../../src/core/store/sqlite';
import { silentLogger, type Logger } from '../../../src/core/logger';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

export const insertSession =
  (id: string, label = 'x') =>
  (db: SqlDb): void => {
    const now = '2026-03-02T10:00:00.000Z';
    db.run(
      `INSERT INTO sessions (id, kind, label, start_time, planned_duration_minutes, state, created_at, last_modified)
       VALUES (?, 'focus', ?, ?, 25, 'completed', ?, ?)`,
      [id, label, now, now, now],
    );
  };

export async function openAt(file: string, options: Partial<StoreOptions> = {}): Promise<Store> {
  return (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000, ...options })).store;
}

/** Every table's rows (with rowids), the schema and the user version: two equal dumps are the same database. */
export function dump(db: SqlDb): string {
  const schema = db.all<{ type: string; name: string; sql: string | null }>(
    "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name",
  );
  const parts: unknown[] = [schema, db.get('PRAGMA user_version')];
  // The generation row is the store's bookkeeping: every checkpoint, a close included, writes a new one.
  for (const t of schema.filter((s) => s.type === 'table' && s.name !== 'store_generation')) {
    const table = `"${t.name}"`;
    const withRowid = t.name === 'sqlite_sequence' ? '*' : 'rowid AS __rowid, *';
    parts.push(t.name, db.all(`SELECT ${withRowid} FROM ${table} ORDER BY 1, 2`));
  }
  return JSON.stringify(parts);
}

/**
 * The database as opening the folder now reads it (the base replayed with its journal), through the
 * store's own loading path but without taking the lock, cutting a tail or checkpointing: the files stay
 * exactly as the test left them.
 */
export async function dumpOnDisk(file: string): Promise<string> {
  const sql = await loadSqlJs();
  const storage = createNodeStorage(path.dirname(file), { lockName: `${path.basename(file)}.lock` });
  const image = new JournaledImage(sql, storage, path.basename(file), silentLogger, DEFAULT_JOURNAL_LIMIT_BYTES, new SqlJsDb(new sql.Database()));
  const { loaded } = await image.loadFromDisk();
  try {
    return dump(loaded.db);
  } finally {
    loaded.db.close();
    image.db.close();
  }
}

/** What a program that knows nothing of the journal (an older FocusFlow, the sqlite3 shell) reads. */
export async function plainSessionIds(file: string): Promise<string[]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  try {
    return (db.exec('SELECT id FROM sessions ORDER BY id')[0]?.values ?? []).map((r) => String(r[0]));
  } finally {
    db.close();
  }
}

export function journalOf(file: string): string {
  return `${file}.journal`;
}

export function sizeOf(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

/** A logger that keeps warnings, so a test can prove the user was told. */
export function recordingLogger(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { ...silentLogger, warnings, errors, warn: (m: string | Error) => void warnings.push(String(m)), error: (m: string | Error) => void errors.push(String(m)) };
}

/** Fails with the first place two dumps differ, not with both dumps whole. */
export function assertSameDump(actual: string, expected: string, message = 'the databases differ'): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const around = (s: string) => s.slice(Math.max(0, i - 150), i + 150);
  throw new Error(`${message} at character ${i}:\n  actual:   …${around(actual)}…\n  expected: …${around(expected)}…`);
}
