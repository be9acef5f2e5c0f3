// POST /api/transaction/v1/execute (records/transaction.rs): up to 128 Create/Update/Delete
// operations, one result per operation. Any failing operation aborts the request with an internal
// error (500): with `transaction: true` nothing is kept, without it the operations before the
// failure stay committed. Only an ignored duplicate (conflict_resolution IGNORE) yields `{Error}`.
import type { Db } from './db';
import { apiNotFound, apiRequiresTable, badRequest, HttpError, internal } from './errors';
import type { RecordApi, User } from './recordApi';
import { NoRowsError, prepareDelete, prepareInsert, prepareUpdate, runChange, runInsert } from './recordsWrite';

type Operation =
  | { kind: 'Create'; api_name: string; value: unknown }
  | { kind: 'Update'; api_name: string; record_id: string; value: unknown }
  | { kind: 'Delete'; api_name: string; record_id: string };

/** Deserialises like serde would; a shape error is axum's 422. */
export function parseTransactionRequest(body: unknown): { operations: Operation[]; transaction: boolean } {
  const bad = (why: string): HttpError => new HttpError(422, `Failed to deserialize the JSON body into the target type: ${why}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('expected struct TransactionRequest');
  const { operations, transaction } = body as { operations?: unknown; transaction?: unknown };
  if (!Array.isArray(operations)) throw bad('missing field `operations`');
  if (transaction !== undefined && transaction !== null && typeof transaction !== 'boolean') throw bad('invalid type for `transaction`');
  const ops = operations.map((op): Operation => {
    if (typeof op !== 'object' || op === null || Array.isArray(op) || Object.keys(op).length !== 1) throw bad('expected enum Operation');
    const [kind, inner] = Object.entries(op)[0] as [string, Record<string, unknown>];
    if (typeof inner !== 'object' || inner === null || typeof inner.api_name !== 'string') throw bad('missing field `api_name`');
    if (kind === 'Create' && 'value' in inner) return { kind, api_name: inner.api_name, value: inner.value };
    if ((kind === 'Update' || kind === 'Delete') && typeof inner.record_id === 'string') {
      if (kind === 'Delete') return { kind, api_name: inner.api_name, record_id: inner.record_id };
      if ('value' in inner) return { kind, api_name: inner.api_name, record_id: inner.record_id, value: inner.value };
    }
    throw bad(`unknown or incomplete variant \`${kind}\``);
  });
  return { operations: ops, transaction: transaction === true };
}

export function executeTransaction(db: Db, apis: Map<string, RecordApi>, user: User | undefined, body: unknown): unknown {
  const { operations, transaction } = parseTransactionRequest(body);
  if (operations.length === 0) return { results: [] };
  if (operations.length > 128) throw badRequest('Batch size exceeds limit: 128');
  const tableApi = (name: string): RecordApi => {
    const api = apis.get(name);
    if (!api) throw apiNotFound();
    if (!api.schema.isTable) throw apiRequiresTable();
    return api;
  };
  try {
    tableApi(operations[0].api_name);
  } catch {
    throw badRequest('empty ops?');
  }
  const apply = (): unknown[] => operations.map((op) => {
    const api = tableApi(op.api_name);
    if (op.kind === 'Create') {
      const w = prepareInsert(api, user, op.value);
      try {
        return { Id: runInsert(db, api, w) };
      } catch (err) {
        if (err instanceof NoRowsError && api.config.conflictResolution === 'IGNORE') return { Error: err.message };
        throw err;
      }
    }
    runChange(db, op.kind === 'Update' ? prepareUpdate(api, user, op.record_id, op.value) : prepareDelete(api, user, op.record_id));
    return { Id: op.record_id };
  });
  try {
    return { results: transaction ? db.transaction(apply)() : apply() };
  } catch {
    throw internal();
  }
}
