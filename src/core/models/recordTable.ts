import { uuidToBase64 } from '../ids';
import type { SqlDb, SqlParam } from '../store';

/**
 * `{localId: remoteId}` as one JSON object, for an UPDATE that stamps acknowledged rows in one statement
 * through `json_each` (its `key` and `value` columns cost less to read than array elements).
 */
export function remoteIdsJson(localIds: readonly string[]): string {
  const map: Record<string, string> = {};
  for (const id of localIds) map[id] = uuidToBase64(id);
  return JSON.stringify(map);
}

/**
 * The local table behind a model: a record's keys are the table's columns, so reading and writing a row
 * is mechanical. SQLite has no boolean type; the listed boolean columns are stored as 0/1.
 */
export class RecordTable<R extends { id: string }> {
  private readonly upsertSql: string;

  constructor(
    readonly table: string,
    readonly columns: readonly (keyof R & string)[],
    private readonly booleanColumns: readonly (keyof R & string)[] = [],
  ) {
    const names = columns.join(', ');
    const values = columns.map((c) => `:${c}`).join(', ');
    const updates = columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ');
    this.upsertSql = `INSERT INTO ${table} (${names}) VALUES (${values}) ON CONFLICT(id) DO UPDATE SET ${updates}`;
  }

  /** The stored row as a plain record (booleans restored), for the model's `fromRecord` to check. */
  get(db: SqlDb, id: string): Record<string, unknown> | undefined {
    const row = db.get(`SELECT ${this.columns.join(', ')} FROM ${this.table} WHERE id = ?`, [id]);
    if (!row) return undefined;
    for (const c of this.booleanColumns) row[c] = row[c] === 1;
    return row;
  }

  upsert(db: SqlDb, record: R): void {
    const params: Record<string, SqlParam> = {};
    for (const c of this.columns) {
      const value = record[c] as unknown;
      params[`:${c}`] = typeof value === 'boolean' ? (value ? 1 : 0) : (value as SqlParam);
    }
    db.run(this.upsertSql, params);
  }

  delete(db: SqlDb, id: string): number {
    return db.run(`DELETE FROM ${this.table} WHERE id = ?`, [id]);
  }
}
