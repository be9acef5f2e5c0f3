import type { SqlJsStatic } from 'sql.js';
import { quoteName } from './capture';
import { declaredColumns, maskedColumns } from './changedColumns';
import { readGeneration, type Generation } from './generation';
import { openImage } from './image';
import { decodeRecords, type DecodedJournal, type JournalRecord, type TableChanges } from './journalRecord';
import { SqlJsDb, type SqlDb, type SqlParam } from './sqlDb';

/** A base image with its journal replayed, and what the journal held besides. */
export interface Loaded {
  db: SqlJsDb;
  generation: Generation | undefined;
  offset: number;
  nextSeq: number;
  /** Records in the journal that belong to another base image. */
  foreign?: { records: number; redundant: boolean };
  /** Bytes after the last applicable record that are not one (a torn or damaged tail). */
  tail?: { offset: number; reason: string };
  /** Records of the first journaling build were replayed: the next write folds them into a checkpoint. */
  legacy?: boolean;
}

/** Where replay stands: the next record must be of this generation and base, with this sequence number. */
export interface RecordState {
  offset: number;
  nextSeq: number;
  generation: Generation | undefined;
  base: string | undefined;
  stopped?: string;
}

/**
 * Opens a base image (a new empty database without one) and replays the journal's records of its
 * generation. Records of another base are not applied but reported as `foreign`: `redundant` when the
 * base's generation row says the last checkpoint already folded them in.
 */
export function loadState(sql: SqlJsStatic, baseBytes: Uint8Array | undefined, baseVersion: string | undefined, journalBytes: Uint8Array | undefined): Loaded {
  const db = baseBytes ? openImage(sql, baseBytes) : new SqlJsDb(new sql.Database());
  try {
    const generation = readGeneration(db);
    const loaded: Loaded = { db, generation, offset: 0, nextSeq: 1 };
    if (!journalBytes?.length) return loaded;
    const decoded = decodeRecords(journalBytes);
    const first = decoded.records[0]?.record;
    if (first && (first.generation !== generation?.id || first.base !== baseVersion)) {
      const last = decoded.records[decoded.records.length - 1].record;
      const redundant =
        !!generation && first.generation === generation.previous && last.generation === first.generation && last.seq <= (generation.previousSeq ?? 0);
      loaded.foreign = { records: decoded.records.length, redundant };
      loaded.offset = journalBytes.length;
      return loaded;
    }
    const state: RecordState = { offset: 0, nextSeq: 1, generation, base: baseVersion };
    applyInOrder(db, decoded, state);
    if (decoded.records.some((r) => r.legacy)) loaded.legacy = true;
    loaded.offset = state.offset;
    loaded.nextSeq = state.nextSeq;
    if (loaded.offset < journalBytes.length) loaded.tail = { offset: loaded.offset, reason: state.stopped ?? describeTail(decoded) };
    return loaded;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Applies records in order while they follow on; stops at the first that does not (and says why). The
 * records go in together; only when one fails are they applied again one by one, each in a savepoint,
 * to keep every record before the one that does not fit.
 */
export function applyInOrder(db: SqlJsDb, decoded: DecodedJournal, state: RecordState): number {
  const following: DecodedJournal['records'] = [];
  let expected = state.nextSeq;
  for (const entry of decoded.records) {
    const { record } = entry;
    if (record.generation !== state.generation?.id || record.base !== state.base || record.seq !== expected) {
      state.stopped = `a record out of sequence (${record.seq}, expected ${expected})`;
      break;
    }
    following.push(entry);
    expected++;
  }
  if (!following.length) return 0;
  let applied = 0;
  db.exec('BEGIN');
  try {
    withoutTriggers(db, () => {
      // One savepoint for the run, not one per record: SQLite copies each page a savepoint's records
      // touch into its sub-journal, so a savepoint per record copies the same pages over and over.
      db.run('SAVEPOINT replay_batch');
      const tables = new TableColumns();
      try {
        for (const { record } of following) applyRecord(db, record, tables);
        db.run('RELEASE replay_batch');
        applied = following.length;
      } catch {
        db.run('ROLLBACK TO replay_batch');
        db.run('RELEASE replay_batch');
        applied = applyOneByOne(db, following, state, tables);
      }
    });
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  if (applied) state.offset = following[applied - 1].end;
  state.nextSeq += applied;
  return applied;
}

/** The slow path: each record in a savepoint, stopping at the first that does not fit the database. */
function applyOneByOne(db: SqlJsDb, records: DecodedJournal['records'], state: RecordState, tables: TableColumns): number {
  let applied = 0;
  for (const { record } of records) {
    db.run('SAVEPOINT replay');
    try {
      applyRecord(db, record, tables);
      db.run('RELEASE replay');
    } catch (err) {
      db.run('ROLLBACK TO replay');
      db.run('RELEASE replay');
      state.stopped = `a record that does not fit the database (${(err as Error).message})`;
      break;
    }
    applied++;
  }
  return applied;
}

export function describeTail(decoded: DecodedJournal): string {
  if (decoded.damaged) return decoded.damaged.reason;
  if (decoded.incomplete) return 'a record cut short';
  return 'bytes that are not a record';
}

/**
 * Redoes one record on the image it was made on; the caller holds a transaction and has set the
 * triggers aside (`withoutTriggers`): the rows they wrote at commit time are in the record already.
 * Applying a record again on its own result changes nothing (every change is a whole after-image, new
 * values of named columns, or a deletion by rowid). Deletions go first, then updates in the order the group
 * touched their rows, then whole rows (see `ChangeCapture` for why that order displaces through
 * unique keys exactly what the commit displaced).
 */
export function applyRecord(db: SqlJsDb, record: JournalRecord, tables: TableColumns = new TableColumns()): void {
  for (const [table, changes] of Object.entries(record.tables)) {
    const name = quoteName(table);
    for (const rowid of changes.deletes ?? []) db.run(`DELETE FROM ${name} WHERE rowid = ?`, [rowid]);
    for (const [rowid, mask, ...values] of changes.updates ?? []) {
      const columns = tables.of(db, table);
      const changed = maskedColumns(columns.length, mask);
      if (changed.length !== values.length) throw new Error(`an update of ${values.length} values for ${changed.length} changed columns of ${table}`);
      const set = changed.map((i) => `${quoteName(columns[i])} = ?`).join(', ');
      // In place, as at commit time. On the image the record was made on the row is there; applied again
      // on a later state, a row a later record deleted is not, and that record deletes it anyway.
      db.run(`UPDATE OR REPLACE ${name} SET ${set} WHERE rowid = ?`, [...values, rowid]);
    }
    if (!changes.upserts?.length) continue;
    const columns = changes.columns ?? tables.of(db, table);
    for (const row of changes.upserts) {
      if (row.length !== columns.length + 1) throw new Error(`a row of ${row.length - 1} values for ${columns.length} columns of ${table}`);
      upsert(db, table, columns, row);
    }
  }
  if (record.sequences) {
    db.run('DELETE FROM sqlite_sequence');
    for (const [name, seq] of record.sequences) db.run('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', [name, seq]);
  }
}

/**
 * Makes the row at `rowid` equal to its after-image. A row that exists is updated in the columns that
 * differ only: rewriting the whole row (INSERT OR REPLACE) deletes and reinserts it in every index of
 * the table, most of the SQL work of replaying a journal at its bound; a row already equal (a record
 * applied twice) is left alone. Equality is JavaScript's: an integer and a real of the same value in a
 * column without type affinity count as equal (every column of the schema has a type). OR REPLACE in both statements removes a row the commit
 * displaced through a unique key, which the update hook never reports; an update of the differing
 * columns displaces exactly the rows the whole after-image would.
 */
function upsert(db: SqlJsDb, table: string, columns: readonly string[], row: NonNullable<TableChanges['upserts']>[number]): void {
  const name = quoteName(table);
  const rowid = row[0];
  const sql = statementsFor(table, columns);
  const current = db.values(sql.select, [rowid]);
  if (!current) {
    db.run(sql.insert, row as SqlParam[]);
    return;
  }
  const changed: number[] = [];
  for (let i = 0; i < columns.length; i++) if (!sameValue(current[i], row[i + 1])) changed.push(i);
  if (!changed.length) return;
  const set = changed.map((i) => `${quoteName(columns[i])} = ?`).join(', ');
  db.run(`UPDATE OR REPLACE ${name} SET ${set} WHERE rowid = ?`, [...changed.map((i) => row[i + 1] as SqlParam), rowid]);
}

/**
 * The declared columns of each table a replay run meets (what a record without `columns` carries),
 * read once per run: records of one generation share the schema, and a run applies no schema change.
 */
export class TableColumns {
  private readonly known = new Map<string, string[]>();

  of(db: SqlJsDb, table: string): string[] {
    let columns = this.known.get(table);
    if (!columns) this.known.set(table, (columns = declaredColumns(db, table)));
    return columns;
  }
}

interface RowStatements {
  select: string;
  insert: string;
}
const statements = new Map<string, RowStatements>();
let last: { table: string; columns: readonly string[]; sql: RowStatements } | undefined;

/**
 * The SQL for one table's after-images, built once per table and column list rather than per row.
 * Consecutive records nearly always name the same columns: comparing them with the last list costs
 * less than building the key to look them up.
 */
function statementsFor(table: string, columns: readonly string[]): RowStatements {
  if (last && last.table === table && sameColumns(last.columns, columns)) return last.sql;
  const key = `${table}\0${columns.join('\0')}`;
  let sql = statements.get(key);
  if (!sql) {
    const name = quoteName(table);
    const list = columns.map(quoteName).join(', ');
    sql = {
      select: `SELECT ${list} FROM ${name} WHERE rowid = ?`,
      insert: `INSERT OR REPLACE INTO ${name} (rowid, ${list}) VALUES (${columns.map(() => '?').join(', ')}, ?)`,
    };
    statements.set(key, sql);
  }
  last = { table, columns, sql };
  return sql;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs `fn` with the schema's triggers dropped, and puts them back; the caller holds a transaction. */
export function withoutTriggers<T>(db: SqlDb, fn: () => T): T {
  const triggers = db.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'");
  for (const t of triggers) db.exec(`DROP TRIGGER ${quoteName(t.name)}`);
  try {
    return fn();
  } finally {
    for (const t of triggers) db.exec(t.sql);
  }
}
