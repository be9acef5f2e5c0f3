// Access rules evaluated as SQL, in the shape TrailBase renders them (records/record_api.rs and
// templates/*_access_query.sql): `_USER_` is a one-row subquery holding the caller's id (BLOB or
// NULL), `_ROW_` the stored row, `_REQ_` the request's columns bound as named parameters (NULL
// when absent) and `_REQ_FIELDS_` the names of the fields the request did carry.
import type { Db } from './db';
import type { ColumnInfo, TableSchema } from './schema';
import type { SqlValue } from './values';

const q = (ident: string): string => `"${ident.replace(/"/g, '""')}"`;

export function readDeleteAccessQuery(schema: TableSchema, rule: string): string {
  return `SELECT CAST((${rule}) AS INTEGER) FROM (SELECT :__user_id AS id) AS _USER_, ` +
    `(SELECT * FROM ${q(schema.name)} WHERE ${q(schema.pk.name)} = :__record_id) AS _ROW_`;
}

function columnsAs(columns: ColumnInfo[]): string {
  return columns.map((c) => `:${c.placeholder} AS ${q(c.name)}`).join(', ');
}

export function createAccessQuery(schema: TableSchema, rule: string): string {
  return `WITH _REQ_FIELDS_(_) AS (SELECT value FROM json_each(:__fields)) ` +
    `SELECT CAST((${rule}) AS INTEGER) FROM (SELECT :__user_id AS id) AS _USER_, (SELECT ${columnsAs(schema.columns)}) AS _REQ_`;
}

export function updateAccessQuery(schema: TableSchema, rule: string): string {
  return `WITH _REQ_FIELDS_(_) AS (SELECT value FROM json_each(:__fields)) ` +
    `SELECT CAST((${rule}) AS INTEGER) FROM (SELECT :__user_id AS id) AS _USER_, ` +
    `(SELECT * FROM ${q(schema.name)} WHERE ${q(schema.pk.name)} = :__record_id) AS _ROW_, ` +
    `(SELECT ${columnsAs(schema.columns)}) AS _REQ_`;
}

/** For subscriptions the changed record itself is bound as `_ROW_` (subscription_record_read.sql). */
export function subscriptionReadQuery(schema: TableSchema, rule: string): string {
  return `SELECT CAST((${rule}) AS INTEGER) FROM (SELECT :__user_id AS id) AS _USER_, (SELECT ${columnsAs(schema.columns)}) AS _ROW_`;
}

export type RuleParams = Record<string, SqlValue>;

/** Request values bound by placeholder, every column NULL unless the request carried it. */
export function requestParams(schema: TableSchema, values: Map<ColumnInfo, SqlValue>): RuleParams {
  const params: RuleParams = {};
  for (const c of schema.columns) params[c.placeholder] = values.has(c) ? (values.get(c) as SqlValue) : null;
  params.__fields = JSON.stringify([...values.keys()].map((c) => c.name));
  return params;
}

const statements = new WeakMap<Db, Map<string, ReturnType<Db['prepare']>>>();

/** Runs a rendered access query; anything but a non-zero integer (no row, NULL, error) denies. */
export function evaluateRule(db: Db, sql: string, params: RuleParams): boolean {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  try {
    let stmt = cache.get(sql);
    if (!stmt) cache.set(sql, (stmt = db.prepare(sql).pluck()));
    const v = stmt.get(params);
    return typeof v === 'number' ? v !== 0 : typeof v === 'bigint' ? v !== 0n : false;
  } catch {
    return false;
  }
}
