// What TrailBase learns from SQLite about a record API's TABLE or VIEW: columns and their strict
// types, the record primary key (INTEGER, or BLOB checked with is_uuid*), and which columns
// reference `_user` (for autofill_missing_user_id_columns).
import type { Db } from './db';

export type ColumnType = 'INTEGER' | 'REAL' | 'TEXT' | 'BLOB' | 'ANY';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  /** Named placeholder TrailBase binds this column's request value to (records/util.rs). */
  placeholder: string;
}

export interface TableSchema {
  name: string;
  isTable: boolean;
  columns: ColumnInfo[];
  pk: ColumnInfo;
  userIdColumns: string[];
}

export function placeholderFor(column: string): string {
  return column.replace(/[^\p{L}\p{N}]/gu, '_');
}

function columnType(declared: string): ColumnType {
  const t = declared.toUpperCase();
  if (t.startsWith('INT')) return 'INTEGER';
  if (t === 'REAL' || t === 'FLOAT' || t === 'DOUBLE') return 'REAL';
  if (t === 'TEXT') return 'TEXT';
  if (t === 'BLOB') return 'BLOB';
  return 'ANY';
}

export function loadTableSchema(db: Db, name: string): TableSchema {
  const entry = db.prepare("SELECT type, sql FROM sqlite_schema WHERE name = ? AND type IN ('table', 'view')").get(name) as
    | { type: string; sql: string }
    | undefined;
  if (!entry) throw new Error(`schema: no TABLE or VIEW named '${name}'`);
  const isTable = entry.type === 'table';
  const rows = db.prepare(`PRAGMA table_xinfo("${name.replace(/"/g, '""')}")`).all() as {
    name: string; type: string; pk: number; hidden: number;
  }[];
  const columns = rows.filter((r) => r.hidden === 0).map((r) => ({
    name: r.name, type: columnType(r.type), placeholder: placeholderFor(r.name),
  }));
  let pk: ColumnInfo | undefined;
  if (isTable) {
    if (!/\)\s*STRICT\s*(,|;|$)/i.test(entry.sql.trim())) throw new Error(`schema: table '${name}' must be STRICT`);
    const pkRow = rows.find((r) => r.pk === 1);
    if (pkRow && rows.filter((r) => r.pk > 0).length === 1) pk = columns.find((c) => c.name === pkRow.name);
    const uuidChecked = pk?.type === 'BLOB' && new RegExp(`is_uuid\\w*\\(\\s*"?${pk.name}"?\\s*\\)`, 'i').test(entry.sql);
    if (pk && !(pk.type === 'INTEGER' || uuidChecked)) pk = undefined;
  } else {
    // TrailBase infers a VIEW's key from the underlying table; this server's views name it `id`.
    pk = columns.find((c) => c.name === 'id' && (c.type === 'BLOB' || c.type === 'INTEGER'));
  }
  if (!pk) throw new Error(`schema: '${name}' lacks a suitable PRIMARY KEY (INTEGER or UUID BLOB)`);
  const userIdColumns = isTable
    ? (db.prepare(`PRAGMA foreign_key_list("${name.replace(/"/g, '""')}")`).all() as { table: string; from: string; to: string }[])
        .filter((fk) => fk.table === '_user' && (fk.to === 'id' || fk.to === null))
        .map((fk) => fk.from)
    : [];
  return { name, isTable, columns, pk, userIdColumns };
}
