// Opens the server's SQLite file the way TrailBase prepares its connection: the SQL functions
// TrailBase registers that migrations and rules may call, its `_user` table, and the migration
// runner over `traildepot/migrations/main` tracked in `_schema_history`.
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isUuid, isUuidV7, toB64, uuidV4, uuidV7 } from './uuid';

export type Db = Database.Database;

export function openDatabase(dataDir: string): Db {
  mkdirSync(join(dataDir, 'data'), { recursive: true });
  const db = new Database(join(dataDir, 'data', 'main.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  registerFunctions(db);
  return db;
}

/** TrailBase runs `PRAGMA optimize=0x10002` when it opens a connection and `PRAGMA optimize` as a
 *  daily job. Rule-filtered lists depend on the statistics it gathers: without them SQLite sorts a
 *  whole team to return one page. A local server's data grows in seconds, so it runs the job often. */
export function keepStatisticsFresh(db: Db, everyMs: number): () => void {
  db.pragma('optimize = 0x10002');
  const timer = setInterval(() => db.pragma('optimize'), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function registerFunctions(db: Db): void {
  db.function('uuid_v7', { deterministic: false }, () => uuidV7());
  db.function('uuid_v4', { deterministic: false }, () => uuidV4());
  db.function('is_uuid_v7', { deterministic: true }, (v: unknown) => (isUuidV7(v) ? 1 : 0));
  db.function('is_uuid', { deterministic: true }, (v: unknown) => (isUuid(v) ? 1 : 0));
  db.function('is_email', { deterministic: true }, (v: unknown) =>
    v === null || (typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) ? 1 : 0);
  db.function('uuid_text', { deterministic: true }, (v: unknown) =>
    Buffer.isBuffer(v) ? v.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-') : null);
  // Internal: how change capture snapshots a deleted row as JSON (BLOBs as padded base64).
  db.function('__tb_json_value', { deterministic: true }, (v: unknown) => (Buffer.isBuffer(v) ? toB64(v) : v as number | string | null));
}

/** TrailBase's own schema as of v0.33: `_user` (after its unverified_email migration). */
const BASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS _user (
  id                  BLOB PRIMARY KEY NOT NULL CHECK(is_uuid(id)) DEFAULT (uuid_v4()),
  email               TEXT COLLATE NOCASE CHECK(is_email(email)),
  unverified_email    TEXT COLLATE NOCASE CHECK(is_email(unverified_email)),
  username            TEXT COLLATE NOCASE,
  password_hash       TEXT,
  admin               INTEGER DEFAULT FALSE NOT NULL,
  totp_secret         TEXT,
  created             INTEGER DEFAULT (UNIXEPOCH()) NOT NULL,
  updated             INTEGER DEFAULT (UNIXEPOCH()) NOT NULL,
  provider_id         INTEGER DEFAULT 0 NOT NULL,
  provider_user_id    TEXT,
  provider_avatar_url TEXT
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS __user__email_index ON _user (email);
CREATE UNIQUE INDEX IF NOT EXISTS __user__unverified_email_index ON _user (unverified_email);
CREATE TABLE IF NOT EXISTS _schema_history (
  version    INTEGER PRIMARY KEY NOT NULL,
  name       TEXT NOT NULL,
  applied_on TEXT NOT NULL,
  checksum   TEXT NOT NULL
) STRICT;
`;

const MIGRATION_NAME = /^[UV](\d+)__(.+)\.sql$/;

/** Applies TrailBase's base schema, then every not yet applied `U<ver>__<name>.sql` in version order. */
export function migrate(db: Db, migrationsDir: string): string[] {
  db.exec(BASE_SCHEMA);
  const files = readdirSync(migrationsDir)
    .map((f) => ({ f, m: MIGRATION_NAME.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]));
  const applied = new Set(db.prepare('SELECT version FROM _schema_history').pluck().all() as number[]);
  const ran: string[] = [];
  for (const { f, m } of files) {
    const version = Number(m[1]);
    if (applied.has(version)) continue;
    const sql = readFileSync(join(migrationsDir, f), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO _schema_history (version, name, applied_on, checksum) VALUES (?, ?, ?, ?)')
        .run(version, m[2], new Date().toISOString(), createHash('sha256').update(sql).digest('hex'));
    })();
    ran.push(f);
  }
  return ran;
}
