import type { JournalRecord, TableChanges } from './journalRecord';
import { StoreError } from './errors';
import type { SqlJsDb } from './sqlDb';

/** What a write group changed: rows the journal can carry, or a change only a whole image can. */
export type Captured =
  | { kind: 'rows'; tables: JournalRecord['tables']; sequences?: JournalRecord['sequences']; rows: number }
  | { kind: 'image'; reason: string };

/** More rows than this in one group are written as a checkpoint: one image beats a record this size. */
const MAX_ROWS_PER_RECORD = 5_000;

interface Snapshot {
  totalChanges: number;
  schemaVersion: number;
  userVersion: number;
}

/**
 * Notes what a write group changes through SQLite's update hook, then reads the after-images of those
 * rows. The hook does not see everything; what it misses is either redone by replay on its own or
 * detected here and written as a whole image instead:
 * - schema changes (and migrations) and `PRAGMA user_version`: the schema and user versions moved;
 * - `DELETE` without `WHERE` (the truncate optimisation): SQLite's own change count is higher than
 *   the number of rows the hook reported;
 * - rows displaced by `INSERT OR REPLACE` / `UPDATE OR REPLACE`: replay inserts the after-image with
 *   `OR REPLACE` too, so the same unique key displaces the same row on the base image. That needs the
 *   displacing row's after-image to still carry the key: when a group changes a row again after
 *   inserting or updating it (deletes it, or changes its key), a displaced row would leave no trace, so
 *   such a group is written as a whole image (rare: a burst that writes one row twice);
 * - `sqlite_sequence` (AUTOINCREMENT): when it changed, the record carries all of it (a row per table);
 * - rows changed by triggers fire the hook like any other; replay runs with the triggers set aside,
 *   so they are not applied twice;
 * - `WITHOUT ROWID` tables never fire the hook: they are refused (see `assertJournalable`).
 */
export class ChangeCapture {
  private touched = new Map<string, Set<number>>();
  private hookCalls = 0;
  /** Set when a row written in this group was written again (see the class comment). */
  private rewritten: string | undefined;
  private start: Snapshot | undefined;
  private sequencesBefore: string | undefined;

  constructor(private readonly db: SqlJsDb) {}

  begin(): void {
    this.touched = new Map();
    this.hookCalls = 0;
    this.rewritten = undefined;
    this.start = snapshot(this.db);
    this.sequencesBefore = JSON.stringify(readSequences(this.db));
    this.db.raw.updateHook((op, database, table, rowid) => {
      this.hookCalls++;
      // TEMP tables are not in the image; the callback must not touch the connection, so only note.
      if (database !== 'main') return;
      let rows = this.touched.get(table);
      if (!rows) this.touched.set(table, (rows = new Set()));
      if (rows.has(rowid) && op !== 'insert') this.rewritten ??= table;
      rows.add(rowid);
    });
  }

  /** Stops listening and describes the group; call it inside the group's transaction, before COMMIT. */
  finish(): Captured {
    this.db.raw.updateHook(null);
    const start = this.start!;
    const end = snapshot(this.db);
    if (end.schemaVersion !== start.schemaVersion) {
      assertJournalable(this.db);
      return { kind: 'image', reason: 'the schema changed' };
    }
    if (end.userVersion !== start.userVersion) return { kind: 'image', reason: 'the user version changed' };
    if (end.totalChanges - start.totalChanges > this.hookCalls) {
      return { kind: 'image', reason: 'rows changed that the update hook did not report (DELETE without WHERE)' };
    }
    if (this.rewritten) return { kind: 'image', reason: `a row of ${this.rewritten} was written twice in one group` };
    let rows = 0;
    for (const set of this.touched.values()) rows += set.size;
    if (rows > MAX_ROWS_PER_RECORD) return { kind: 'image', reason: `${rows} rows in one group` };
    const tables: JournalRecord['tables'] = {};
    for (const [table, rowids] of this.touched) tables[table] = this.afterImages(table, rowids);
    // SQLite may write sqlite_sequence even when no row changed (a trigger that could insert did not).
    const sequences = readSequences(this.db);
    const sequencesChanged = JSON.stringify(sequences) !== this.sequencesBefore;
    return { kind: 'rows', tables, sequences: sequencesChanged ? sequences : undefined, rows: rows + (sequencesChanged ? 1 : 0) };
  }

  /** Drops the hook without describing anything (the group failed). */
  abandon(): void {
    this.db.raw.updateHook(null);
  }

  /** Each row's values in the table's declared column order, which is what a record without `columns` means. */
  private afterImages(table: string, rowids: Set<number>): TableChanges {
    const changes: TableChanges = {};
    const select = `SELECT * FROM ${quoteName(table)} WHERE rowid = ?`;
    for (const rowid of rowids) {
      const row = this.db.values(select, [rowid]);
      if (row) (changes.upserts ??= []).push([rowid, ...row]);
      else (changes.deletes ??= []).push(rowid);
    }
    return changes;
  }
}

/** The whole of `sqlite_sequence` (one row per AUTOINCREMENT table), or none when no table uses it. */
function readSequences(db: SqlJsDb): [name: string, seq: number][] | undefined {
  if (!db.get("SELECT 1 AS y FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")) return undefined;
  return db.all<{ name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence ORDER BY name').map((r): [string, number] => [r.name, r.seq]);
}

function snapshot(db: SqlJsDb): Snapshot {
  return {
    totalChanges: db.get<{ n: number }>('SELECT total_changes() AS n')!.n,
    schemaVersion: db.get<{ schema_version: number }>('PRAGMA schema_version')!.schema_version,
    userVersion: db.get<{ user_version: number }>('PRAGMA user_version')!.user_version,
  };
}

/**
 * Refuses a schema the journal cannot follow: a `WITHOUT ROWID` table's writes never reach the update
 * hook, so they would be lost from every commit between two checkpoints.
 */
export function assertJournalable(db: SqlJsDb): void {
  const tables = db.all<{ name: string; wr: number }>("SELECT name, wr FROM pragma_table_list WHERE schema = 'main'");
  const withoutRowid = tables.filter((t) => t.wr).map((t) => t.name);
  if (withoutRowid.length) {
    throw new StoreError(
      'unsupported-schema',
      `FocusFlow's store cannot journal WITHOUT ROWID tables (${withoutRowid.join(', ')}): their changes are invisible to it. Declare them as ordinary tables with a PRIMARY KEY.`,
    );
  }
}

export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
