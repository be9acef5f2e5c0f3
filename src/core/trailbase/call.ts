// The contract between the client and the APIs built on it (records, transactions, subscriptions):
// they depend on this, never on the client, so imports in this folder point one way.
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ClientError } from './errors';
import type { HttpMethod, HttpReply } from './http';
import type { OriginProbe } from './originRefusal';
import type { ReplyContext } from './replies';

/** One request as the record and auth APIs describe it; see `Caller.call`. */
export interface CallSpec<T> {
  method: HttpMethod;
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  signal?: AbortSignal;
  /** Send the bearer token (refreshing it first when due). */
  auth: boolean;
  /** May be sent again after a transient failure without changing the outcome. */
  idempotent: boolean;
  ctx: Omit<ReplyContext, 'host'>;
  /**
   * Turns a 2xx reply into the result, in its final typed form (ids included), or throws a typed error:
   * nothing downstream may store or act on a reply before this has accepted all of it.
   */
  onReply: (reply: HttpReply, ctx: ReplyContext) => T;
  /**
   * Statuses outside 2xx that count as success on the given attempt (0-based); e.g. a retried DELETE
   * answered 404 because its first attempt did delete the row before the reply was lost.
   */
  acceptStatus?: (status: number, attempt: number) => boolean;
  /** Endpoint-specific meaning of an error status; falls back to the general mapping. */
  onError?: (reply: HttpReply, ctx: ReplyContext) => ClientError | undefined;
}

/** Where and how a live stream is opened. */
export interface StreamTarget {
  url: string;
  fetch: typeof fetch;
  timeoutMs: number;
  logger: Logger;
  clock: Clock;
  /** In a browser-like runtime: tells a CORS refusal from an unreachable server (originRefusal.ts). */
  originProbe?: OriginProbe;
}

/** What the APIs in this folder need of a signed-in client. */
export interface Caller {
  readonly serverUrl: URL;
  /** Sends one request through auth, retries and error mapping. */
  call<T>(spec: CallSpec<T>): Promise<T>;
  /** Runs `send` with the current bearer token, refreshing and sending once more on a 403-while-expired. */
  authorized<R extends { status: number; date: string | null }>(auth: boolean, send: (headers: Record<string, string>) => Promise<R>): Promise<R>;
  /** For subscriptions: the URL of `path` on this server, and the fetch to stream it with. */
  streamTarget(path: string, query?: URLSearchParams): StreamTarget;
}
