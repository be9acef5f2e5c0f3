// The list query string as TrailBase parses it (crates/qs): `filter[col]=v`, `filter[col][$op]=v`,
// nested `filter[$and][i]…` / `filter[$or][i]…`, values typed like serde_qs (integer, float, else
// string) and then checked against the column type (records/filter.rs).
import { badRequest } from './errors';
import type { ColumnInfo } from './schema';
import { fromB64 } from './uuid';
import type { SqlValue } from './values';

const OPS: Record<string, string> = {
  $eq: '=', $ne: '<>', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=', $like: 'LIKE', $re: 'REGEXP', $is: 'IS',
};

type Node = { [key: string]: Node | string };

export interface WhereClause {
  sql: string;
  params: Record<string, SqlValue>;
}

/** Splits `filter[a][$and][0][b]` into ['filter', 'a', '$and', '0', 'b']. */
function keyPath(key: string): string[] | undefined {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return undefined;
  return [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1])];
}

export function parseFilterTree(search: URLSearchParams): Node | undefined {
  let root: Node | undefined;
  for (const [key, value] of search) {
    const path = keyPath(key);
    if (!path || path[0] !== 'filter') continue;
    if (path.length < 2) throw badRequest('Invalid query');
    root ??= {};
    let node = root;
    for (let i = 1; i < path.length - 1; i++) {
      const existing = node[path[i]];
      if (typeof existing === 'string') throw badRequest('Invalid query');
      node = (node[path[i]] = existing ?? {}) as Node;
    }
    const last = path[path.length - 1];
    if (last in node) throw badRequest('Invalid query');
    node[last] = value;
  }
  return root;
}

/** qs/src/value.rs: a value that `i64::from_str` takes is an integer (beyond 2^53 a bigint here), else a float, else text. */
function typedQsValue(raw: string): { kind: 'int'; v: number | bigint } | { kind: 'float'; v: number } | { kind: 'string'; v: string } {
  if (/^[+-]?\d+$/.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return { kind: 'int', v: n };
    const big = BigInt(raw);
    if (big === BigInt.asIntN(64, big)) return { kind: 'int', v: big };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) || /^[+-]?(inf|infinity|nan)$/i.test(raw)) {
    return { kind: 'float', v: Number(raw) };
  }
  return { kind: 'string', v: raw };
}

function valueForColumn(column: ColumnInfo, raw: string): SqlValue {
  const v = typedQsValue(raw);
  switch (column.type) {
    case 'ANY':
      if (v.kind === 'string') return fromB64(v.v) ?? v.v;
      return v.v;
    case 'BLOB': {
      const bytes = v.kind === 'string' ? fromB64(v.v) : fromB64(raw);
      if (!bytes) throw badRequest('Invalid query');
      return bytes;
    }
    case 'TEXT':
      return raw;
    case 'INTEGER':
      if (v.kind !== 'int') throw badRequest('Invalid query');
      return v.v;
    case 'REAL':
      if (v.kind === 'string') throw badRequest('Invalid query');
      return v.v;
  }
}

/** Renders the tree as SQL against alias `_ROW_`, params named :__f0, :__f1, … */
export function buildWhere(tree: Node | undefined, columns: ColumnInfo[]): WhereClause {
  const params: Record<string, SqlValue> = {};
  let n = 0;
  const column = (name: string): ColumnInfo => {
    if (name.startsWith('_')) throw badRequest('Invalid filter params');
    const c = columns.find((x) => x.name === name);
    if (!c) throw badRequest('Invalid filter params');
    return c;
  };
  const condition = (col: ColumnInfo, op: string, raw: string): string => {
    const sqlOp = OPS[op];
    if (!sqlOp) throw badRequest('Invalid query');
    const ref = `_ROW_."${col.name}"`;
    if (op === '$is') {
      if (raw === 'NULL') return `${ref} IS NULL`;
      if (raw === '!NULL') return `${ref} IS NOT NULL`;
      throw badRequest('Invalid query');
    }
    const name = `__f${n++}`;
    params[name] = valueForColumn(col, raw);
    return `${ref} ${sqlOp} :${name}`;
  };
  const render = (node: Node): string => {
    const parts: string[] = [];
    for (const [key, child] of Object.entries(node)) {
      if (key === '$and' || key === '$or') {
        if (typeof child === 'string') throw badRequest('Invalid query');
        const items = Object.keys(child).sort((a, b) => Number(a) - Number(b)).map((i) => {
          const item = child[i];
          if (!/^\d+$/.test(i) || typeof item === 'string') throw badRequest('Invalid query');
          return render(item);
        });
        if (items.length === 0) throw badRequest('Invalid query');
        parts.push(`(${items.join(key === '$and' ? ' AND ' : ' OR ')})`);
      } else if (typeof child === 'string') {
        parts.push(condition(column(key), '$eq', child));
      } else {
        const entries = Object.entries(child);
        if (entries.length !== 1 || typeof entries[0][1] !== 'string') throw badRequest('Invalid query');
        parts.push(condition(column(key), entries[0][0], entries[0][1]));
      }
    }
    return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
  };
  return { sql: tree ? render(tree) : 'TRUE', params };
}

/** `order=a,-b,+c`, at most 5 columns, each a known column. */
export function parseOrder(raw: string | null, columns: ColumnInfo[]): { column: string; desc: boolean }[] | undefined {
  if (raw === null || raw === '') return undefined;
  const parts = raw.split(',');
  if (parts.length > 5) throw badRequest('Invalid query');
  return parts.map((p) => {
    const desc = p.startsWith('-');
    const name = p.replace(/^[-+ ]/, '');
    if (!columns.some((c) => c.name === name)) throw badRequest('Invalid query');
    return { column: name, desc };
  });
}
