// GET list and GET read (records/list_records.rs, read_record.rs): the read rule is a WHERE clause
// on lists (rows it rejects vanish silently) but a 403 on single reads.
import type { Db } from './db';
import { badRequest, recordNotFound } from './errors';
import { buildWhere, parseFilterTree, parseOrder } from './filters';
import { decryptCursor, encryptCursor } from './cursor';
import type { RecordApi, User } from './recordApi';
import { primaryKeyToValue, rowToJson, type SqlValue } from './values';

const DEFAULT_LIMIT = 50;

// Clients repeat the same few list shapes; the filter values are parameters, so the SQL repeats.
const listStatements = new WeakMap<Db, Map<string, ReturnType<Db['prepare']>>>();
function cachedStatement(db: Db, sql: string): ReturnType<Db['prepare']> {
  let cache = listStatements.get(db);
  if (!cache) listStatements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= 200) cache.delete(cache.keys().next().value as string);
    // Safe integers: a 64-bit value beyond 2^53 must reach the reply exactly.
    cache.set(sql, (stmt = db.prepare(sql).safeIntegers(true)));
  }
  return stmt;
}
const HARD_LIMIT = 1024;

function nonNegativeInt(raw: string | null, what: string): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid ${what}`);
  return Number(raw);
}

export function listRecords(db: Db, api: RecordApi, user: User | undefined, search: URLSearchParams): unknown {
  api.checkTableLevel('READ', user);
  const { schema, config } = api;
  const limit = nonNegativeInt(search.get('limit'), 'query') ?? DEFAULT_LIMIT;
  if (limit > (config.listingHardLimit ?? HARD_LIMIT)) throw badRequest('limit exceeds max limit of 1024');
  const offset = nonNegativeInt(search.get('offset'), 'offset');
  const count = search.get('count') === 'true';
  if (search.get('expand')) throw badRequest('Invalid expansion');
  const where = buildWhere(parseFilterTree(search), schema.columns);
  const order = parseOrder(search.get('order'), schema.columns);
  const params: Record<string, SqlValue> = { ...where.params, __user_id: user?.id ?? null, __limit: limit };
  if (offset !== undefined) params.__offset = offset;

  // Cursors follow rowids, so only tables listed in primary-key order can have them.
  const supportsCursor = schema.isTable && (!order || order[0].column === schema.pk.name);
  let cursorClause = '';
  const cursor = search.get('cursor');
  if (cursor) {
    if (!supportsCursor) throw badRequest('Only TABLEs with PK primary order support cursors. Use offset instead.');
    params.__cursor = decryptCursor(api.name, cursor);
    cursorClause = order && !order[0].desc ? ' AND (_ROW_._rowid_ > :__cursor)' : ' AND (_ROW_._rowid_ < :__cursor)';
  }
  const orderClause = (order ?? [{ column: schema.pk.name, desc: true }])
    .map((o) => `_ROW_."${o.column}" ${o.desc ? 'DESC' : 'ASC'}`).join(', ');
  const readRule = config.rules.read ?? 'TRUE';
  const table = `"${schema.name}"`;
  const cols = schema.columns.map((c) => `_ROW_."${c.name}"`).join(', ');
  const sql =
    (count ? `WITH total_count AS (SELECT COUNT(*) AS _value_ FROM (SELECT :__user_id AS id) AS _USER_, ${table} AS _ROW_ ` +
      `WHERE (${readRule}) AND (${where.sql})) ` : '') +
    `SELECT ${cols}${count ? ', total_count._value_ AS _total_count_' : ''}${schema.isTable ? ', _ROW_._rowid_ AS _rowid_' : ''} ` +
    `FROM (SELECT :__user_id AS id) AS _USER_, ${count ? 'total_count, ' : ''}${table} AS _ROW_ ` +
    `WHERE (${readRule}) AND (${where.sql})${cursorClause} ORDER BY ${orderClause} ` +
    // ?limit=0 still reads one row so that count=true can report the total.
    `LIMIT ${limit === 0 ? 1 : ':__limit'}${offset !== undefined ? ' OFFSET :__offset' : ''}`;
  if (limit === 0) delete params.__limit;
  let rows: Record<string, unknown>[];
  try {
    rows = cachedStatement(db, sql).all(params) as Record<string, unknown>[];
  } catch {
    throw badRequest('Invalid query');
  }
  if (rows.length === 0) return { total_count: 0, records: [] };
  const last = rows[rows.length - 1];
  const totalCount = count ? Number(last._total_count_) : undefined;
  if (limit === 0) return { total_count: totalCount, records: [] };
  const out: Record<string, unknown> = {};
  if (supportsCursor && search.get('skip_cursor') !== 'true') out.cursor = encryptCursor(api.name, Number(last._rowid_));
  if (totalCount !== undefined) out.total_count = totalCount;
  out.records = rows.map((r) => rowToJson(schema, r, config.excludedColumns));
  return out;
}

export function readRecord(db: Db, api: RecordApi, user: User | undefined, id: string, search: URLSearchParams): unknown {
  const { schema } = api;
  const pk = primaryKeyToValue(schema, id);
  api.checkAccess('READ', user, pk);
  if (search.get('expand')) throw badRequest('Invalid expansion');
  const row = db.prepare(`SELECT * FROM "${schema.name}" WHERE "${schema.pk.name}" = ?`).safeIntegers(true).get(pk) as Record<string, unknown> | undefined;
  if (!row) throw recordNotFound();
  return rowToJson(schema, row, api.config.excludedColumns);
}
