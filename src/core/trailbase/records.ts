import { z } from 'zod';
import type { Caller } from './call';
import { ServerError, ValidationError } from './errors';
import { appendFilter, type Where } from './filters';
import { badReply, describeIssue, issuePath, parseJsonReply, type ReplyContext } from './replies';
import type { HttpReply } from './http';
import { openSubscription, type SubscribeHandlers, type SubscribeOptions, type Subscription } from './subscribe';

export interface RecordApiOptions {
  /** The primary-key column; a create whose records all carry it is safe to retry. Default `id`. */
  idColumn?: string;
}

export interface ListOptions {
  where?: Where;
  /** Columns, `-` prefix for descending; at most 5. Default: primary key descending. */
  order?: readonly string[];
  /** Page size, at most 1024 (TrailBase's hard limit). Default 50 (TrailBase's). */
  limit?: number;
  /** From a previous page; dies when the server restarts (then list again from the start). */
  cursor?: string;
  offset?: number;
  /** Ask for `totalCount`. */
  count?: boolean;
  expand?: readonly string[];
  signal?: AbortSignal;
}

export interface ListPage<T> {
  records: T[];
  /** Pass to the next `list` for the following page; absent on VIEWs and on the last page. */
  cursor?: string;
  totalCount?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export const MAX_LIST_LIMIT = 1024;
export const MAX_BULK_CREATE = 1024;
const MAX_ORDER_COLUMNS = 5;

/** A record id as TrailBase answers it: a UUID key in its url-safe base64 form, or an integer key. */
export const recordIdReply = z.string().regex(/^(?:[A-Za-z0-9_-]{22}==|-?\d{1,19})$/, { error: 'must be a TrailBase record id' });

const listReply = z.object({
  records: z.array(z.unknown()),
  // Sent back verbatim in the next request's query, so it must be something a query can carry.
  cursor: z.string().regex(/^[\x21-\x7e]{0,1024}$/, { error: 'must be a cursor of at most 1024 printable characters' }).nullish(),
  total_count: z.number().int().min(0).nullish(),
});
const createReply = z.object({ ids: z.array(recordIdReply) });

type NewRecord = Readonly<Record<string, unknown>>;

/** One TrailBase record API (`/api/records/v1/{api}`); every record read is checked against `schema`. */
export class RecordApi<T> {
  private readonly base: string;
  private readonly idColumn: string;

  constructor(
    private readonly client: Caller,
    readonly api: string,
    private readonly schema: z.ZodType<T>,
    options: RecordApiOptions,
  ) {
    if (!/^[A-Za-z0-9_]+$/.test(api)) throw new ValidationError('bad-input', `"${api}" is not a record API name.`);
    this.base = `/api/records/v1/${api}`;
    this.idColumn = options.idColumn ?? 'id';
  }

  async list(o: ListOptions = {}): Promise<ListPage<T>> {
    const query = this.listQuery(o);
    return this.client.call({
      method: 'GET',
      path: this.base,
      query,
      auth: true,
      idempotent: true,
      ...(o.signal ? { signal: o.signal } : {}),
      ctx: { what: `listing ${this.api}`, api: this.api },
      onReply: (reply, ctx) => {
        const page = parseJsonReply(reply, listReply, ctx, 'JSON {records: [...], cursor?, total_count?}');
        // A page longer than asked is not a page of this query: refused before any record is read.
        const asked = o.limit ?? MAX_LIST_LIMIT;
        if (page.records.length > asked) throw badReply(reply, ctx, `at most ${asked} records`, `${page.records.length}`, 'records');
        const records = page.records.map((r, i) => this.parseRecord(reply, ctx, r, `records.${i}`));
        return {
          records,
          ...(page.cursor ? { cursor: page.cursor } : {}),
          ...(page.total_count !== null && page.total_count !== undefined ? { totalCount: page.total_count } : {}),
        };
      },
    });
  }

  /** Every page of a listing in turn, following cursors (or offsets where the server gives none). */
  async *pages(o: Omit<ListOptions, 'cursor' | 'offset'> = {}): AsyncGenerator<ListPage<T>> {
    const limit = o.limit ?? 256;
    let cursor: string | undefined;
    let seen = 0;
    for (;;) {
      const page = await this.list({ ...o, limit, ...(cursor ? { cursor } : seen > 0 ? { offset: seen } : {}) });
      // A server handing back the cursor it was given would have us read the same page forever.
      if (cursor !== undefined && page.cursor === cursor) {
        throw new ServerError('bad-reply', `${this.client.serverUrl.host} answered the next page of ${this.api} with the same cursor again. Try again later; if it keeps happening, tell your server admin.`, {
          expected: 'a cursor that moves on',
          field: 'cursor',
        });
      }
      yield page;
      seen += page.records.length;
      if (page.records.length < limit) return;
      cursor = page.cursor;
    }
  }

  /** Every record of a listing, page by page. */
  async *iterate(o: Omit<ListOptions, 'cursor' | 'offset'> = {}): AsyncGenerator<T> {
    for await (const page of this.pages(o)) yield* page.records;
  }

  /** `id`: TrailBase's url-safe base64 form, a hyphenated UUID, or an integer key. */
  async read(id: string, o: RequestOptions & { expand?: readonly string[] } = {}): Promise<T> {
    const query = o.expand?.length ? new URLSearchParams({ expand: o.expand.join(',') }) : undefined;
    return this.client.call({
      method: 'GET',
      path: `${this.base}/${idSegment(id)}`,
      ...(query ? { query } : {}),
      auth: true,
      idempotent: true,
      ...(o.signal ? { signal: o.signal } : {}),
      ctx: { what: `reading a record of ${this.api}`, api: this.api },
      onReply: (reply, ctx) => this.parseRecord(reply, ctx, parseJsonReply(reply, z.unknown(), ctx, 'a JSON record'), 'record'),
    });
  }

  /** Creates one record (returns its id) or up to 1024 (returns their ids in order). */
  create(record: NewRecord, o?: RequestOptions): Promise<string>;
  create(records: readonly NewRecord[], o?: RequestOptions): Promise<string[]>;
  async create(input: NewRecord | readonly NewRecord[], o: RequestOptions = {}): Promise<string | string[]> {
    const many = Array.isArray(input);
    const records: readonly NewRecord[] = many ? input : [input as NewRecord];
    if (records.length === 0) return [];
    if (records.length > MAX_BULK_CREATE) {
      throw new ValidationError('bad-input', `At most ${MAX_BULK_CREATE} records can be created at once (got ${records.length}). Send them in smaller batches.`);
    }
    const idempotent = records.every((r) => r[this.idColumn] !== undefined && r[this.idColumn] !== null);
    const ids = await this.client.call({
      method: 'POST',
      path: this.base,
      body: many ? records : records[0],
      auth: true,
      idempotent,
      ...(o.signal ? { signal: o.signal } : {}),
      ctx: { what: `creating ${records.length === 1 ? 'a record' : `${records.length} records`} in ${this.api}`, api: this.api },
      onReply: (reply, ctx) => {
        const { ids } = parseJsonReply(reply, createReply, ctx, 'JSON {ids: [...]}');
        if (ids.length !== records.length) throw badReply(reply, ctx, `${records.length} ids`, `${ids.length}`);
        return ids;
      },
    });
    return many ? ids : ids[0];
  }

  /** Changes the given columns of one record (PATCH); sending the same change twice is harmless. */
  async update(id: string, patch: NewRecord, o: RequestOptions = {}): Promise<void> {
    await this.client.call({
      method: 'PATCH',
      path: `${this.base}/${idSegment(id)}`,
      body: patch,
      auth: true,
      idempotent: true,
      ...(o.signal ? { signal: o.signal } : {}),
      ctx: { what: `updating a record of ${this.api}`, api: this.api },
      onReply: () => undefined,
    });
  }

  /** Deletes one record. A retry that finds it gone counts as done: the lost first attempt deleted it. */
  async delete(id: string, o: RequestOptions = {}): Promise<void> {
    await this.client.call({
      method: 'DELETE',
      path: `${this.base}/${idSegment(id)}`,
      auth: true,
      idempotent: true,
      ...(o.signal ? { signal: o.signal } : {}),
      acceptStatus: (status, attempt) => status === 404 && attempt > 0,
      ctx: { what: `deleting a record of ${this.api}`, api: this.api },
      onReply: () => undefined,
    });
  }

  /**
   * Live changes of one record (`{ id }`) or the whole table (`'*'`, optionally filtered). There is no
   * replay: `onResync` tells the caller to list again after a reconnect or a reported loss.
   */
  subscribe(target: '*' | { id: string }, handlers: SubscribeHandlers<T>, o: SubscribeOptions = {}): Subscription {
    const query = new URLSearchParams();
    if (o.where) {
      if (target !== '*') throw new ValidationError('bad-input', 'Filters only apply to table subscriptions.');
      appendFilter(query, o.where);
    }
    const path = `${this.base}/subscribe/${target === '*' ? '*' : idSegment(target.id)}`;
    return openSubscription(this.client, {
      path,
      query,
      api: this.api,
      parseRow: (row) => {
        const parsed = this.schema.safeParse(row);
        return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: describeIssue(parsed.error) };
      },
      handlers,
      options: o,
    });
  }

  private listQuery(o: ListOptions): URLSearchParams {
    const q = new URLSearchParams();
    if (o.limit !== undefined) {
      if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > MAX_LIST_LIMIT) {
        throw new ValidationError('bad-input', `A page holds 1 to ${MAX_LIST_LIMIT} records (asked for ${o.limit}).`);
      }
      q.set('limit', String(o.limit));
    }
    if (o.order?.length) {
      if (o.order.length > MAX_ORDER_COLUMNS) throw new ValidationError('bad-input', `At most ${MAX_ORDER_COLUMNS} order columns are allowed.`);
      q.set('order', o.order.join(','));
    }
    if (o.cursor) q.set('cursor', o.cursor);
    if (o.offset !== undefined && o.offset > 0) q.set('offset', String(o.offset));
    if (o.count) q.set('count', 'true');
    if (o.expand?.length) q.set('expand', o.expand.join(','));
    if (o.where) appendFilter(q, o.where);
    return q;
  }

  private parseRecord(reply: HttpReply, ctx: ReplyContext, raw: unknown, where: string): T {
    const parsed = this.schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const inner = issuePath(parsed.error);
    throw new ServerError(
      'bad-reply',
      `${ctx.host} sent a ${this.api} record FocusFlow cannot read (${where}, ${describeIssue(parsed.error)}). The server may run an older FocusFlow server kit; ask your admin to update it.`,
      { status: reply.status, expected: `a ${this.api} record`, field: inner ? `${where}.${inner}` : where },
    );
  }
}

/** `=` is legal in a path segment and TrailBase ids end in it; percent-encoding it is needless noise. */
function idSegment(id: string): string {
  return encodeURIComponent(id).replace(/%3D/g, '=');
}
