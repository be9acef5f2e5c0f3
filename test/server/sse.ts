// Realtime subscriptions over SSE (records/subscribe/*): an immediate `: ping`, then one
// `data: {"Insert"|"Update"|"Delete": row, "seq": n}` per visible change, keep-alives every 15 s.
// Each subscriber has a 64-candidate buffer; candidates that do not fit are dropped and the gap is
// reported as a Loss error. There is no replay: a client that reconnects must list again.
import type { ServerResponse } from 'node:http';
import type { ChangeCapture, Change } from './changes';
import type { Db } from './db';
import { buildWhere, parseFilterTree, type WhereClause } from './filters';
import { stringifyJson } from './json';
import type { RecordApi, User } from './recordApi';
import { rowToJson, type SqlValue } from './values';

const BUFFER = 64;
const KEEP_ALIVE_MS = 15_000;

type Candidate = { seq: number; change?: Change };

interface Subscriber {
  api: RecordApi;
  user: User | undefined;
  recordPk?: Buffer | number;
  filter?: { stmt: ReturnType<Db['prepare']>; params: WhereClause['params'] };
  res: ServerResponse;
  candidateSeq: number;
  expectedSeq: number;
  outSeq: number;
  pending: Candidate[];
  awaitingDrain: boolean;
  closed: boolean;
}

export class SubscriptionManager {
  private readonly subs = new Set<Subscriber>();

  constructor(private readonly db: Db, private readonly capture: ChangeCapture) {}

  subscribe(api: RecordApi, user: User | undefined, res: ServerResponse, recordPk: SqlValue | undefined, search: URLSearchParams): void {
    let filter: Subscriber['filter'];
    if (recordPk === undefined) {
      const tree = parseFilterTree(search);
      if (tree) {
        const where = buildWhere(tree, api.schema.columns);
        const cols = api.schema.columns.map((c) => `:${c.placeholder} AS "${c.name}"`).join(', ');
        filter = { stmt: this.db.prepare(`SELECT 1 FROM (SELECT ${cols}) AS _ROW_ WHERE ${where.sql}`), params: where.params };
      }
    }
    this.capture.watch(api.schema);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const sub: Subscriber = {
      api, user, res, filter, recordPk: recordPk as Buffer | number | undefined,
      candidateSeq: 0, expectedSeq: 0, outSeq: 0, pending: [], awaitingDrain: false, closed: false,
    };
    this.subs.add(sub);
    const keepAlive = setInterval(() => res.write(':\n\n'), KEEP_ALIVE_MS);
    res.on('close', () => {
      clearInterval(keepAlive);
      this.remove(sub);
    });
    this.offer(sub, undefined); // the immediate ping
  }

  /** Routes committed changes to matching subscribers. */
  publish(changes: Change[]): void {
    for (const change of changes) {
      for (const sub of this.subs) {
        if (sub.api.schema.name !== change.table) continue;
        if (sub.recordPk !== undefined && !samePk(sub.recordPk, change.row[sub.api.schema.pk.name])) continue;
        this.offer(sub, change);
      }
    }
  }

  closeAll(): void {
    for (const sub of this.subs) sub.res.destroy();
  }

  private offer(sub: Subscriber, change: Change | undefined): void {
    const seq = sub.candidateSeq++;
    if (sub.pending.length >= BUFFER) return; // dropped: the seq gap becomes a Loss event
    sub.pending.push({ seq, change });
    this.pump(sub);
  }

  private pump(sub: Subscriber): void {
    while (!sub.closed && sub.pending.length > 0 && !sub.res.writableNeedDrain) {
      const c = sub.pending.shift() as Candidate;
      if (c.seq !== sub.expectedSeq) {
        sub.expectedSeq = c.seq + 1;
        this.emit(sub, { Error: { status: 2, message: null } });
        continue;
      }
      sub.expectedSeq++;
      if (!c.change) {
        sub.outSeq++;
        sub.res.write(': ping\n\n');
        continue;
      }
      this.deliver(sub, c.change);
    }
    if (!sub.closed && sub.pending.length > 0 && !sub.awaitingDrain) {
      sub.awaitingDrain = true;
      sub.res.once('drain', () => {
        sub.awaitingDrain = false;
        this.pump(sub);
      });
    }
  }

  private deliver(sub: Subscriber, change: Change): void {
    const row = change.row as Record<string, SqlValue>;
    if (sub.filter) {
      const params: Record<string, SqlValue> = { ...sub.filter.params };
      for (const c of sub.api.schema.columns) params[c.placeholder] = row[c.name] ?? null;
      if (!sub.filter.stmt.get(params)) return;
    }
    if (!sub.api.canSeeChange(sub.user, row)) {
      if (sub.recordPk === undefined) return; // table subscriptions silently skip invisible rows
      this.emit(sub, { Error: { status: 1, message: 'Access denied' } });
      sub.res.end();
      this.remove(sub);
      return;
    }
    this.emit(sub, { [change.kind]: rowToJson(sub.api.schema, row, sub.api.config.excludedColumns) });
  }

  private emit(sub: Subscriber, payload: Record<string, unknown>): void {
    sub.res.write(`data: ${stringifyJson({ ...payload, seq: sub.outSeq++ })}\n\n`);
  }

  private remove(sub: Subscriber): void {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub);
    const table = sub.api.schema.name;
    if (![...this.subs].some((s) => s.api.schema.name === table)) this.capture.unwatch(table);
  }
}

function samePk(a: Buffer | number, b: unknown): boolean {
  return Buffer.isBuffer(a) ? Buffer.isBuffer(b) && a.equals(b) : a === b;
}
