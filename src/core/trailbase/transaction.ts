import { z } from 'zod';
import type { Caller } from './call';
import { ValidationError } from './errors';
import { recordIdReply } from './records';
import { badReply, parseJsonReply } from './replies';

type Values = Readonly<Record<string, unknown>>;

export type TransactionOp =
  | { create: { api: string; value: Values } }
  | { update: { api: string; id: string; value: Values } }
  | { delete: { api: string; id: string } };

/** One result per operation, in order. */
export type TransactionResult = { ok: true; id?: string } | { ok: false; error: string };

export interface TransactionOptions {
  /** All-or-nothing (TrailBase's `transaction: true`). Default true. */
  atomic?: boolean;
  /**
   * Whether the batch may be sent again after a transient failure. By default it is when every create
   * carries its id (`idColumn`, default `id`) and nothing is deleted: a replayed delete would report
   * an error for the row its first, lost attempt already removed.
   */
  idempotent?: boolean;
  idColumn?: string;
  signal?: AbortSignal;
}

export const MAX_TRANSACTION_OPS = 128;

// v0.31+ answers one result per operation; older servers list only the ids of created records.
const resultSchema = z.union([z.object({ Id: recordIdReply }), z.object({ Error: z.unknown() }), z.null(), z.object({}).strict()]);
const transactionReply = z.union([z.object({ results: z.array(resultSchema) }), z.object({ ids: z.array(recordIdReply) })]);
const MAX_ERROR_CHARS = 1000;

/** POST `/api/transaction/v1/execute`; the server must have `enable_record_transactions`. */
export async function runTransaction(client: Caller, ops: readonly TransactionOp[], o: TransactionOptions): Promise<TransactionResult[]> {
  if (ops.length === 0) return [];
  if (ops.length > MAX_TRANSACTION_OPS) {
    throw new ValidationError('bad-input', `A transaction holds at most ${MAX_TRANSACTION_OPS} operations (got ${ops.length}). Split it into smaller batches.`);
  }
  const idColumn = o.idColumn ?? 'id';
  const idempotent =
    o.idempotent ??
    ops.every((op) => ('create' in op ? op.create.value[idColumn] !== undefined && op.create.value[idColumn] !== null : 'update' in op));
  const operations = ops.map((op) => {
    if ('create' in op) return { Create: { api_name: op.create.api, value: op.create.value } };
    if ('update' in op) return { Update: { api_name: op.update.api, record_id: op.update.id, value: op.update.value } };
    return { Delete: { api_name: op.delete.api, record_id: op.delete.id } };
  });
  return client.call({
    method: 'POST',
    path: '/api/transaction/v1/execute',
    body: { operations, transaction: o.atomic ?? true },
    auth: true,
    idempotent,
    ...(o.signal ? { signal: o.signal } : {}),
    ctx: { what: `sending ${ops.length} changes in one transaction` },
    onReply: (reply, ctx) => {
      const parsed = parseJsonReply(reply, transactionReply, ctx, 'JSON {results: [{Id} | {Error}, ...]}');
      if ('ids' in parsed) return legacyResults(ops, parsed.ids, () => badReply(reply, ctx, 'one id per create', `${parsed.ids.length} ids`));
      const { results } = parsed;
      if (results.length !== ops.length) throw badReply(reply, ctx, `${ops.length} results`, `${results.length}`);
      return results.map((r): TransactionResult => {
        if (r && 'Id' in r) return { ok: true, id: r.Id };
        if (r && 'Error' in r) return { ok: false, error: errorText(r.Error) };
        return { ok: true };
      });
    },
  });
}

function legacyResults(ops: readonly TransactionOp[], ids: string[], mismatch: () => Error): TransactionResult[] {
  const creates = ops.filter((op) => 'create' in op).length;
  if (creates !== ids.length) throw mismatch();
  let next = 0;
  return ops.map((op) => ('create' in op ? { ok: true, id: ids[next++] } : { ok: true }));
}

/** The server's words for a failed operation, kept short; a value too deep to print is named, not thrown on. */
function errorText(error: unknown): string {
  let text: string;
  try {
    text = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    text = 'an error the server described in a form FocusFlow cannot print';
  }
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
