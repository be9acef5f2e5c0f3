import type { JournalRecord, TableChanges } from './journalRecord';
import { ChangedColumns, maskedColumns, WHOLE_ROW } from './changedColumns';
import { StoreError } from './errors';
import type { SqlJsDb } from './sqlDb';

/** What a write group changed: rows the journal can carry, or a change only a whole image can. */
export type Captured =
  | { kind: 'rows'; tables: JournalRecord['tables']; sequences?: JournalRecord['sequences']; rows: number }
  | { kind: 'image'; reason: string };

/**
 * More rows than this in one group are written as a checkpoint. A record's bytes are bounded as well
 * (see `applyAndPersist`): a sync push that marks thousands of queued rows sent changes one column of
 * each, a small record, where a whole image of the database costs far more.
 */
const MAX_ROWS_PER_RECORD = 50_000;

/** What a group did to a row: deleted it, only updated it, or inserted it (or it must be read whole). */
type RowChange = typeof DELETED | typeof UPDATED | typeof WHOLE;
const DELETED = 0;
const UPDATED = 1;
const WHOLE = 2;

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
 * - rows displaced by `INSERT OR REPLACE` / `UPDATE OR REPLACE`: replay writes the row with `OR REPLACE`
 *   too, so the same unique key displaces the same row on the base image. That needs the displacing
 *   row's after-image to still carry the key: when a group changes a row again after inserting or
 *   updating it (deletes it, or changes its key), a displaced row would leave no trace, so such a group
 *   is written as a whole image (rare: a burst that writes one row twice);
 * - an UPDATE that moves a row to another rowid: the hook names only the new one; the old one is
 *   noted by the column triggers (see `ChangedColumns`) and recorded as deleted;
 * - `sqlite_sequence` (AUTOINCREMENT): when it changed, the record carries all of it (a row per table);
 * - rows changed by triggers fire the hook like any other; replay runs with the triggers set aside,
 *   so they are not applied twice;
 * - `WITHOUT ROWID` tables never fire the hook: they are refused (see `assertJournalable`).
 *
 * A row the group only updated is recorded as the columns that changed (see `ChangedColumns`); rows it
 * inserted are recorded whole. Replay applies deletions, then updates in the order the group first
 * touched their rows, then whole rows, which displaces through unique keys what the group displaced:
 * a row written once per group takes or gives up a key once, and an update that gave up a key another
 * row then took is applied first. When any updated row's columns are not known, the whole group is
 * recorded as whole rows.
 */
export class ChangeCapture {
  /** Per table, each touched rowid and what the group did to it. */
  private touched = new Map<string, Map<number, RowChange>>();
  private hookCalls = 0;
  /** Set when a row written in this group was written again (see the class comment). */
  private rewritten: string | undefined;
  private start: Snapshot | undefined;
  private sequencesBefore: string | undefined;
  private readonly columns: ChangedColumns;

  constructor(private readonly db: SqlJsDb) {
    this.columns = new ChangedColumns(db);
  }

  begin(): void {
    this.touched = new Map();
    this.hookCalls = 0;
    this.rewritten = undefined;
    // Before the snapshot: building the triggers writes TEMP rows, which the change count would see.
    this.columns.begin();
    this.start = snapshot(this.db);
    this.sequencesBefore = JSON.stringify(readSequences(this.db));
    this.db.raw.updateHook((op, database, table, rowid) => {
      this.hookCalls++;
      // TEMP tables are not in the image; the callback must not touch the connection, so only note.
      if (database !== 'main') return;
      let rows = this.touched.get(table);
      if (!rows) this.touched.set(table, (rows = new Map()));
      const seen = rows.get(rowid);
      if (seen !== undefined && op !== 'insert') this.rewritten ??= table;
      rows.set(rowid, op === 'insert' || seen === WHOLE ? WHOLE : op === 'update' ? UPDATED : DELETED);
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
    const masks = this.columns.read();
    const partial = this.noteMovedRows(masks);
    let rows = 0;
    for (const set of this.touched.values()) rows += set.size;
    if (rows > MAX_ROWS_PER_RECORD) return { kind: 'image', reason: `${rows} rows in one group` };
    const tables: JournalRecord['tables'] = {};
    for (const [table, rowids] of this.touched) tables[table] = this.afterImages(table, rowids, partial ? masks.get(table) : undefined);
    // SQLite may write sqlite_sequence even when no row changed (a trigger that could insert did not);
    // and replay's inserts move it where the commit's did not (a row moved to a higher rowid by an UPDATE).
    const sequences = readSequences(this.db);
    const inserts = Object.values(tables).some((t) => t.upserts?.length);
    const sequencesChanged = JSON.stringify(sequences) !== this.sequencesBefore || (!!sequences?.length && inserts);
    return { kind: 'rows', tables, sequences: sequencesChanged ? sequences : undefined, rows: rows + (sequencesChanged ? 1 : 0) };
  }

  /** Drops the hook without describing anything (the group failed). */
  abandon(): void {
    this.db.raw.updateHook(null);
  }

  /**
   * Adds the rowids moved rows left (the hook never names them) and says whether every row the group
   * only updated has known changed columns, so that the record may carry just those.
   */
  private noteMovedRows(masks: Map<string, Map<number, number>>): boolean {
    let partial = true;
    for (const [table, rows] of masks) {
      for (const [rowid, mask] of rows) {
        if (mask !== WHOLE_ROW) continue;
        partial = false;
        let touched = this.touched.get(table);
        if (!touched) this.touched.set(table, (touched = new Map()));
        if (!touched.has(rowid)) touched.set(rowid, WHOLE);
      }
    }
    for (const [table, rows] of this.touched) {
      const known = masks.get(table);
      // A row updated inside a write that then failed has no mask (the savepoint took it back).
      for (const [rowid, change] of rows) if (change === UPDATED && known?.get(rowid) === undefined) partial = false;
    }
    return partial;
  }

  /** Each row's values in the table's declared column order, which is what a record without `columns` means. */
  private afterImages(table: string, rowids: Map<number, RowChange>, masks: Map<number, number> | undefined): TableChanges {
    const changes: TableChanges = {};
    const select = `SELECT * FROM ${quoteName(table)} WHERE rowid = ?`;
    for (const [rowid, change] of rowids) {
      const row = this.db.values(select, [rowid]);
      if (!row) {
        (changes.deletes ??= []).push(rowid);
        continue;
      }
      const mask = change === UPDATED ? masks?.get(rowid) : undefined;
      if (mask === undefined) (changes.upserts ??= []).push([rowid, ...row]);
      // An update that set every column to what it was changed nothing to record.
      else if (mask !== 0) (changes.updates ??= []).push([rowid, mask, ...maskedColumns(row.length, mask).map((i) => row[i])]);
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
