// POST create (one or a bulk array), PATCH update and DELETE (records/create_record.rs,
// update_record.rs, delete_record.rs, write_queries.rs). Each write is checked (ACL, then rule)
// before it runs; inserts follow the API's conflict_resolution exactly as TrailBase renders it.
import type { Db } from './db';
import { apiRequiresTable, badRequest, HttpError, internal, recordNotFound, sqliteToHttp } from './errors';
import type { RecordApi, User } from './recordApi';
import type { ColumnInfo } from './schema';
import { toB64 } from './uuid';
import { primaryKeyToValue, recordToParams, sqlToJson, type SqlValue } from './values';

const BULK_LIMIT = 1024;

/** The insert returned no row: an ignored conflict (TrailBase's QueryReturnedNoRows). */
export class NoRowsError extends Error {}

export interface PreparedWrite {
  sql: string;
  params: Record<string, SqlValue>;
}

const statementCache = new WeakMap<Db, Map<string, ReturnType<Db['prepare']>>>();
function statement(db: Db, sql: string): ReturnType<Db['prepare']> {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  // Safe integers: an INTEGER key beyond 2^53 comes back from RETURNING exactly.
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql).safeIntegers(true)));
  return stmt;
}

function asRecord(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(message);
  return value as Record<string, unknown>;
}

/** Autofill, convert, check access and render the INSERT for one record. */
export function prepareInsert(api: RecordApi, user: User | undefined, value: unknown): PreparedWrite {
  const { schema, config } = api;
  if (!schema.isTable) throw apiRequiresTable();
  const record = { ...asRecord(value, 'Expected record or array of records') };
  if (config.autofillMissingUserIdColumns && user) {
    for (const col of schema.userIdColumns) if (!(col in record)) record[col] = toB64(user.id);
  }
  const values = recordToParams(schema, record);
  api.checkAccess('CREATE', user, undefined, values);
  const cols = [...values.keys()];
  const params: Record<string, SqlValue> = {};
  for (const [c, v] of values) params[c.placeholder] = v;
  return { sql: insertSql(api, cols), params };
}

// Bulk creates render the same INSERT for every record; rendering it once per column set keeps a
// 1,024-record request from building (and hashing, for the statement cache) 1,024 copies.
const insertSqlCache = new WeakMap<RecordApi, Map<string, string>>();
function insertSql(api: RecordApi, cols: ColumnInfo[]): string {
  let cache = insertSqlCache.get(api);
  if (!cache) insertSqlCache.set(api, (cache = new Map()));
  const key = cols.map((c) => c.name).join('\u0000');
  let sql = cache.get(key);
  if (sql !== undefined) return sql;
  const { schema, config } = api;
  const pk = `"${schema.pk.name}"`;
  sql = cols.length === 0
    ? `INSERT INTO "${schema.name}" DEFAULT VALUES`
    : `INSERT INTO "${schema.name}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map((c) => `:${c.placeholder}`).join(', ')})`;
  if (config.conflictResolution === 'REPLACE') {
    sql += ` ON CONFLICT (${pk}) DO UPDATE SET ${schema.columns.map((c) => `"${c.name}" = EXCLUDED."${c.name}"`).join(', ')}`;
  } else if (config.conflictResolution === 'IGNORE') {
    sql += ` ON CONFLICT (${pk}) DO NOTHING`;
  }
  sql += ` RETURNING "_rowid_", ${pk}`;
  cache.set(key, sql);
  return sql;
}

/** Runs a prepared insert; the id comes back as TrailBase prints it (base64 or decimal). */
export function runInsert(db: Db, api: RecordApi, w: PreparedWrite): string {
  const row = statement(db, w.sql).get(w.params) as Record<string, unknown> | undefined;
  if (!row) throw new NoRowsError('Query returned no rows');
  const id = row[api.schema.pk.name];
  return Buffer.isBuffer(id) ? toB64(id) : String(sqlToJson(id));
}

export function createRecords(db: Db, api: RecordApi, user: User | undefined, body: unknown): { ids: string[] } {
  if (!api.schema.isTable) throw apiRequiresTable();
  let items: unknown[];
  if (Array.isArray(body)) {
    if (body.length > BULK_LIMIT) throw badRequest('Bulk creation exceeds limit: 1024');
    items = body;
  } else if (typeof body === 'object' && body !== null) items = [body];
  else throw badRequest('Expected record or array of records');
  const writes = items.map((item) => prepareInsert(api, user, item));
  if (writes.length === 0) throw badRequest('no values provided');
  if (writes.length === 1) {
    try {
      return { ids: [runInsert(db, api, writes[0])] };
    } catch (err) {
      if (err instanceof NoRowsError) throw recordNotFound();
      throw sqliteToHttp(err);
    }
  }
  // A bulk insert is one transaction; TrailBase maps any failure inside it to an internal error.
  try {
    return { ids: db.transaction(() => writes.map((w) => runInsert(db, api, w)))() };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw internal();
  }
}

export function prepareUpdate(api: RecordApi, user: User | undefined, id: string, value: unknown): PreparedWrite {
  const { schema } = api;
  if (!schema.isTable) throw apiRequiresTable();
  const pk = primaryKeyToValue(schema, id);
  const values = recordToParams(schema, asRecord(value, 'Expected single record'));
  // A body may repeat the record's id, not name another one (TrailBase: "Invalid Parameters").
  const bodyPk = values.get(schema.pk);
  if (bodyPk !== undefined && !sameKey(bodyPk, pk)) throw badRequest('Invalid Parameters');
  api.checkAccess('UPDATE', user, pk, values);
  const params: Record<string, SqlValue> = { __pk_value: pk };
  for (const [c, v] of values) params[c.placeholder] = v;
  const sets = [...values.keys()].map((c) => `"${c.name}" = :${c.placeholder}`).join(', ');
  return { sql: `UPDATE "${schema.name}" SET ${sets} WHERE "${schema.pk.name}" = :__pk_value RETURNING "_rowid_"`, params };
}

export function prepareDelete(api: RecordApi, user: User | undefined, id: string): PreparedWrite {
  const { schema } = api;
  if (!schema.isTable) throw apiRequiresTable();
  const pk = primaryKeyToValue(schema, id);
  api.checkAccess('DELETE', user, pk);
  return { sql: `DELETE FROM "${schema.name}" WHERE "${schema.pk.name}" = :__pk_value RETURNING "_rowid_"`, params: { __pk_value: pk } };
}

/** Runs an UPDATE or DELETE; a missing row is QueryReturnedNoRows. */
export function runChange(db: Db, w: PreparedWrite): void {
  if (!statement(db, w.sql).get(w.params)) throw new NoRowsError('Query returned no rows');
}

/**
 * Runs a PATCH's UPDATE. TrailBase answers any failure of the update itself (a CHECK, a trigger's
 * abort, no such row, nothing to set) with an empty 500, unlike creates and deletes.
 */
export function runUpdate(db: Db, w: PreparedWrite): void {
  try {
    runChange(db, w);
  } catch {
    throw internal();
  }
}

export function runSingleChange(db: Db, w: PreparedWrite): void {
  try {
    runChange(db, w);
  } catch (err) {
    if (err instanceof NoRowsError) throw recordNotFound();
    throw sqliteToHttp(err);
  }
}

function sameKey(a: SqlValue, b: SqlValue): boolean {
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b;
}
