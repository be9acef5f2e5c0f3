// Opens the server's SQLite file the way TrailBase prepares its connection: the SQL functions
// TrailBase registers that migrations and rules may call, its `_user` table, and the migration
// runner over `traildepot/migrations/main` tracked in `_schema_history`.
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isEmail } from './email';
import { isUuid, isUuidV7, toB64, uuidV4, uuidV7 } from './uuid';

export type Db = Database.Database;

export function openDatabase(dataDir: string): Db {
  mkdirSync(join(dataDir, 'data'), { recursive: true });
  const db = new Database(join(dataDir, 'data', 'main.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('case_sensitive_like = ON');
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
  db.function('is_email', { deterministic: true }, (v: unknown) => (v === null || (typeof v === 'string' && isEmail(v)) ? 1 : 0));
  db.function('uuid_text', { deterministic: true }, (v: unknown) =>
    Buffer.isBuffer(v) ? v.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-') : null);
  // Internal: how change capture snapshots a deleted row as JSON (BLOBs as padded base64).
  db.function('__tb_json_value', { deterministic: true, safeIntegers: true }, (v: unknown) =>
    (Buffer.isBuffer(v) ? toB64(v) : v as number | bigint | string | null));
}

/**
 * TrailBase's own schema before its v0.33 migrations of `_user`: the table as its earlier versions left
 * it (an unverified address still sat in `email`, with `verified` 0), and the migration history.
 */
const BASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS _user (
  id                  BLOB PRIMARY KEY NOT NULL CHECK(is_uuid(id)) DEFAULT (uuid_v4()),
  email               TEXT COLLATE NOCASE NOT NULL CHECK(is_email(email)),
  password_hash       TEXT,
  verified            INTEGER DEFAULT FALSE NOT NULL,
  username            TEXT COLLATE NOCASE,
  admin               INTEGER DEFAULT FALSE NOT NULL,
  totp_secret         TEXT,
  created             INTEGER DEFAULT (UNIXEPOCH()) NOT NULL,
  updated             INTEGER DEFAULT (UNIXEPOCH()) NOT NULL,
  provider_id         INTEGER DEFAULT 0 NOT NULL,
  provider_user_id    TEXT,
  provider_avatar_url TEXT
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS __user__email_index ON _user (email);
CREATE TABLE IF NOT EXISTS _schema_history (
  version    INTEGER PRIMARY KEY NOT NULL,
  name       TEXT NOT NULL,
  applied_on TEXT NOT NULL,
  checksum   TEXT NOT NULL
) STRICT;
`;

/**
 * TrailBase's own migrations of the main database that v0.33 still applies to a new server. TrailBase
 * sorts them together with the depot's by version, so the kit's migrations run before these: the
 * first rebuilds `_user` (a new table copied over, the old one dropped, with every trigger on it).
 */
const TRAILBASE_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1785764695,
    name: 'unverified_email',
    sql: `
      CREATE TABLE _user_rebuilt (
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
      INSERT INTO _user_rebuilt (id, email, unverified_email, username, password_hash, admin, totp_secret, created, updated,
          provider_id, provider_user_id, provider_avatar_url)
        SELECT id, iif(verified, email, NULL), iif(verified, NULL, email), username, password_hash, admin, totp_secret, created,
          updated, provider_id, provider_user_id, provider_avatar_url FROM _user;
      PRAGMA legacy_alter_table = ON;
      DROP TABLE _user;
      ALTER TABLE _user_rebuilt RENAME TO _user;
      PRAGMA legacy_alter_table = OFF;
      CREATE UNIQUE INDEX __user__email_index ON _user (email);
    `,
  },
  { version: 1791097712, name: 'unique_unverified_email', sql: 'CREATE UNIQUE INDEX __user__unverified_email_index ON _user (unverified_email);' },
];

const MIGRATION_NAME = /^[UV](\d+)__(.+)\.sql$/;

/**
 * Applies TrailBase's base schema, then every not yet applied migration, TrailBase's own and the
 * depot's `U<ver>__<name>.sql`, in one version order. Returns the depot files it ran.
 */
export function migrate(db: Db, migrationsDir: string): string[] {
  db.exec(BASE_SCHEMA);
  const depot = readdirSync(migrationsDir)
    .map((f) => ({ f, m: MIGRATION_NAME.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), name: m[2], file: f as string | undefined, sql: () => readFileSync(join(migrationsDir, f), 'utf8') }));
  const own = TRAILBASE_MIGRATIONS.map((t) => ({ version: t.version, name: t.name, file: undefined, sql: () => t.sql }));
  const applied = new Set(db.prepare('SELECT version FROM _schema_history').pluck().all() as number[]);
  // A data folder an earlier local server made already holds `_user` as these leave it.
  const userColumns = db.prepare("SELECT name FROM pragma_table_info('_user')").pluck().all() as string[];
  if (userColumns.includes('unverified_email')) for (const t of TRAILBASE_MIGRATIONS) applied.add(t.version);
  const ran: string[] = [];
  for (const migration of [...depot, ...own].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    const sql = migration.sql();
    withoutForeignKeys(db, () => {
      db.exec(sql);
      db.prepare('INSERT INTO _schema_history (version, name, applied_on, checksum) VALUES (?, ?, ?, ?)')
        .run(migration.version, migration.name, new Date().toISOString(), createHash('sha256').update(sql).digest('hex'));
    }, migration.file ?? migration.name);
    if (migration.file) ran.push(migration.file);
  }
  return ran;
}

/**
 * Runs one migration as TrailBase's runner does (refinery's rusqlite driver, `Transaction::execute`):
 * foreign keys off for the connection (the pragma is a no-op inside a transaction), the migration in a
 * transaction, `PRAGMA foreign_key_check` before the commit (a violation rolls it back), foreign keys
 * back on. So a migration may rebuild a table that others reference, as SQLite's documented
 * twelve-step ALTER does, but may not leave a dangling reference behind.
 */
function withoutForeignKeys(db: Db, body: () => void, name: string): void {
  const wasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (wasOn) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      body();
      if (!wasOn) return;
      const violations = db.pragma('foreign_key_check') as { table: string; parent: string }[];
      if (violations.length > 0) {
        throw new Error(`migration ${name}: FK violations: ${JSON.stringify(violations.map((v) => `${v.table} -> ${v.parent}`))}`);
      }
    })();
  } finally {
    if (wasOn) db.pragma('foreign_keys = ON');
  }
}
