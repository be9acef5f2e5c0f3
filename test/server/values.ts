// JSON ⇄ SQLite value conversion as TrailBase does it (schema/src/json.rs): strict per column
// type, BLOBs as url-safe padded base64 (or a hyphenated UUID), booleans into integer columns,
// unknown fields skipped, `_`-prefixed columns hidden from replies.
import { badRequest, type HttpError } from './errors';
import type { ColumnInfo, ColumnType, TableSchema } from './schema';
import { fromB64, parseUuidText, toB64 } from './uuid';

export type SqlValue = number | string | Buffer | null | bigint;

const invalid = (): HttpError => badRequest('Invalid Parameters');

export function jsonToSql(type: ColumnType, value: unknown): SqlValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
      if (type === 'INTEGER' || type === 'ANY') return value ? 1 : 0;
      throw invalid();
    case 'number':
      if (!Number.isFinite(value)) throw invalid();
      if (Number.isInteger(value)) {
        if (type === 'INTEGER' || type === 'ANY' || type === 'REAL') return value;
        throw invalid();
      }
      if (type === 'REAL' || type === 'ANY') return value;
      throw invalid();
    case 'bigint':
      if (type === 'INTEGER' || type === 'ANY') return value;
      throw invalid();
    case 'string':
      if (type === 'TEXT' || type === 'ANY') return value;
      if (type === 'BLOB') {
        const bytes = (value.length === 36 ? parseUuidText(value) : undefined) ?? fromB64(value);
        if (!bytes) throw invalid();
        return bytes;
      }
      throw invalid();
    case 'object':
      if (Array.isArray(value) && (type === 'BLOB' || type === 'ANY')) {
        if (!value.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) throw invalid();
        return Buffer.from(value as number[]);
      }
      throw invalid();
    default:
      throw invalid();
  }
}

export function sqlToJson(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return toB64(v);
  // Read with safe integers on: a bigint beyond 2^53 stays one, and goes out as its exact digits.
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return v;
}

/** A stored row as TrailBase returns it: hidden `_` columns dropped, BLOBs base64. */
export function rowToJson(schema: TableSchema, row: Record<string, unknown>, excluded: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of visibleColumns(schema, excluded)) {
    const v = row[name];
    out[name] = typeof v === 'string' || typeof v === 'number' || v === null ? v : sqlToJson(v);
  }
  return out;
}

// Several APIs may serve one table with different excluded columns, hence the second key.
const visible = new WeakMap<TableSchema, Map<string, string[]>>();
function visibleColumns(schema: TableSchema, excluded: string[]): string[] {
  let bySchema = visible.get(schema);
  if (!bySchema) visible.set(schema, (bySchema = new Map()));
  const key = excluded.join('\u0000');
  let names = bySchema.get(key);
  if (!names) {
    names = schema.columns.map((c) => c.name).filter((n) => !n.startsWith('_') && !excluded.includes(n));
    bySchema.set(key, names);
  }
  return names;
}

/** Request body → {column: value} for known columns only. */
export function recordToParams(schema: TableSchema, record: Record<string, unknown>): Map<ColumnInfo, SqlValue> {
  const params = new Map<ColumnInfo, SqlValue>();
  const byName = columnsByName(schema);
  for (const [key, value] of Object.entries(record)) {
    const column = byName.get(key);
    if (!column) continue;
    params.set(column, jsonToSql(column.type, value));
  }
  return params;
}

const columnMaps = new WeakMap<TableSchema, Map<string, ColumnInfo>>();
function columnsByName(schema: TableSchema): Map<string, ColumnInfo> {
  let byName = columnMaps.get(schema);
  if (!byName) columnMaps.set(schema, (byName = new Map(schema.columns.map((c) => [c.name, c]))));
  return byName;
}

/** A record id from a URL or transaction: base64 or hyphenated UUID for BLOB keys, decimal for INTEGER. */
export function primaryKeyToValue(schema: TableSchema, id: string): SqlValue {
  if (schema.pk.type === 'INTEGER') {
    if (!/^-?\d+$/.test(id)) throw badRequest('Invalid id');
    const n = Number(id);
    if (Number.isSafeInteger(n)) return n;
    const big = BigInt(id);
    if (big !== BigInt.asIntN(64, big)) throw badRequest('Invalid id');
    return big;
  }
  const bytes = parseUuidText(id) ?? fromB64(id);
  if (!bytes) throw badRequest('Invalid id');
  return bytes;
}
