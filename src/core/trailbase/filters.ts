import { ValidationError } from './errors';

/** TrailBase's comparison operators (`crates/qs`). `$is` takes `NULL` or `!NULL`. */
export type CompareOp = '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte' | '$like' | '$re' | '$is';
export type FilterValue = string | number | boolean;
export type ColumnCondition = FilterValue | { [op in CompareOp]?: FilterValue };

/**
 * A filter in the shape of TrailBase's query string: `{ user: id }` is `filter[user]=id`,
 * `{ start_time: { $gte: t } }` is `filter[start_time][$gte]=t`, and `$and` / `$or` nest.
 * Several keys in one object are all required (AND).
 */
export type Where = { $and?: Where[]; $or?: Where[] } & { [column: string]: ColumnCondition | Where[] | undefined };

const OPERATORS = new Set<string>(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$like', '$re', '$is']);
const COLUMN_NAME = /^[A-Za-z0-9_]+$/;

/** Appends `where` to `params` under `filter`. */
export function appendFilter(params: URLSearchParams, where: Where): void {
  appendAt(params, 'filter', where);
}

function appendAt(params: URLSearchParams, path: string, where: Where): void {
  const entries = Object.entries(where).filter(([, v]) => v !== undefined);
  if (path !== 'filter' && entries.length > 1) {
    // Inside `$and`/`$or` each element is one condition on the wire: several keys become a nested `$and`.
    entries.forEach(([key, value], i) => appendAt(params, `${path}[$and][${i}]`, { [key]: value } as Where));
    return;
  }
  for (const [key, value] of entries) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw badFilter(`${key} needs a non-empty list of conditions`);
      value.forEach((inner, i) => appendAt(params, `${path}[${key}][${i}]`, inner));
      continue;
    }
    if (!COLUMN_NAME.test(key)) throw badFilter(`"${key}" is not a column name`);
    if (Array.isArray(value)) throw badFilter(`column "${key}" cannot take a list`);
    if (typeof value === 'object' && value !== null) {
      for (const [op, operand] of Object.entries(value)) {
        if (operand === undefined) continue;
        if (!OPERATORS.has(op)) throw badFilter(`unknown operator ${op}`);
        params.append(`${path}[${key}][${op}]`, String(operand));
      }
    } else {
      params.append(`${path}[${key}]`, String(value));
    }
  }
}

function badFilter(what: string): ValidationError {
  return new ValidationError('bad-input', `This list filter is not valid: ${what}. This is a bug in FocusFlow; please report it.`);
}
