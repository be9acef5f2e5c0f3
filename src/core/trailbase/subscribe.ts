import { z } from 'zod';
import type { Disposable } from '../events';
import type { Logger } from '../logger';
import { backoffDelay, type BackoffPolicy } from '../backoff';
import type { Caller, StreamTarget } from './call';
import { AuthError, isClientError, NetworkError, ServerError, type ClientError } from './errors';
import { originRefusedError, refusedOrigin } from './originRefusal';
import type { Where } from './filters';
import { describeIssue, errorFromReply, type ReplyContext } from './replies';
import { readUpTo } from './http';
import { SseParser } from './sse';
import { sleep } from './waits';

export type ChangeEvent<T> = { type: 'insert' | 'update' | 'delete'; record: T; seq?: number };

export type SubscriptionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SubscribeHandlers<T> {
  /** `update` carries the new row, `delete` the old one. */
  onEvent(event: ChangeEvent<T>): void;
  /**
   * Changes may have been missed: the server reported a loss (its per-subscriber buffer overflowed),
   * or the stream was re-established after a break. TrailBase never replays, so list again.
   */
  onResync(reason: 'loss' | 'reconnected'): void;
  /** A failure; the subscription keeps retrying unless `onStatus('closed')` follows. */
  onError?(error: ClientError): void;
  onStatus?(status: SubscriptionStatus): void;
}

export interface SubscribeOptions {
  /** Table subscriptions only. */
  where?: Where;
  signal?: AbortSignal;
  /** Reconnect timing; default 0.5 s growing to 30 s. */
  backoff?: Partial<BackoffPolicy>;
  /** A stream silent for this long is treated as dead (TrailBase pings every ~15 s). Default 45 s. */
  idleTimeoutMs?: number;
}

export interface Subscription extends Disposable {
  /** Resolves once the subscription has stopped for good (disposed, aborted or refused). */
  readonly closed: Promise<void>;
}

type RowResult<T> = { ok: true; value: T } | { ok: false; problem: string };

interface SubscriptionSpec<T> {
  path: string;
  query: URLSearchParams;
  api: string;
  parseRow: (row: unknown) => RowResult<T>;
  handlers: SubscribeHandlers<T>;
  options: SubscribeOptions;
}

const eventSchema = z.object({
  Insert: z.unknown().optional(),
  Update: z.unknown().optional(),
  Delete: z.unknown().optional(),
  Error: z.union([z.string(), z.object({ status: z.number().optional(), message: z.string().nullish() })]).optional(),
  seq: z.number().int().min(0).optional(),
});

/** TrailBase's `EventErrorStatus` (`records/subscribe/event.rs`). */
const STATUS_FORBIDDEN = 1;
const STATUS_LOSS = 2;
/** A connection that lasted this long starts the next reconnect from the shortest delay again. */
const STABLE_CONNECTION_MS = 5_000;

/** An error page longer than this is not read for its reason. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const defaultBackoff: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

export function openSubscription<T>(client: Caller, spec: SubscriptionSpec<T>): Subscription {
  const stop = new AbortController();
  const external = spec.options.signal;
  if (external) {
    if (external.aborted) stop.abort();
    else external.addEventListener('abort', () => stop.abort(), { once: true });
  }
  const closed = run(client, spec, stop.signal);
  return { closed, dispose: () => stop.abort() };
}

async function run<T>(client: Caller, spec: SubscriptionSpec<T>, stop: AbortSignal): Promise<void> {
  const { handlers } = spec;
  const policy = { ...defaultBackoff, ...spec.options.backoff };
  const ctx: ReplyContext = { what: `following changes to ${spec.api}`, host: client.serverUrl.host, api: spec.api };
  let everOpened = false;
  /** An attempt failed: whatever the caller listed meanwhile may have failed too, or missed changes. */
  let everFailed = false;
  let failures = 0;
  while (!stop.aborted) {
    handlers.onStatus?.(everOpened ? 'reconnecting' : 'connecting');
    let retryAfterMs: number | undefined;
    // Taken afresh at each attempt: the timeout is a setting the user may have changed meanwhile.
    const target = client.streamTarget(spec.path, spec.query);
    try {
      const body = await connect(client, target, ctx, stop);
      if (everOpened || everFailed) handlers.onResync('reconnected');
      everOpened = true;
      handlers.onStatus?.('open');
      const openedAt = Date.now();
      const outcome = await consume(body, spec, ctx, stop, target.logger);
      if (outcome === 'refused') break;
      if (Date.now() - openedAt >= STABLE_CONNECTION_MS) failures = 0;
    } catch (err) {
      if (stop.aborted) break;
      everFailed = true;
      const error = isClientError(err) ? err : new NetworkError('unreachable', `Lost the live connection to ${ctx.host}. FocusFlow keeps retrying.`, { cause: err });
      handlers.onError?.(error);
      if (isPermanent(error)) break;
      if (error.kind === 'rate-limited') retryAfterMs = error.retryAfterMs;
    }
    if (stop.aborted) break;
    const delay = retryAfterMs ?? backoffDelay(++failures, Math.random, policy);
    target.logger.debug(`Subscription to ${spec.api} reconnects in ${delay} ms.`);
    await sleep(delay, stop).catch(() => undefined);
  }
  handlers.onStatus?.('closed');
}

/** Errors a retry cannot fix: the user must sign in, get access, or fix the server. */
function isPermanent(error: ClientError): boolean {
  return error.kind === 'auth' || error.kind === 'validation' || error.kind === 'not-found';
}

async function connect(
  client: Caller,
  target: StreamTarget,
  ctx: ReplyContext,
  stop: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const result = await client.authorized(true, async (headers) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), target.timeoutMs);
    try {
      const response = await target.fetch(target.url, {
        headers: { ...headers, accept: 'text/event-stream' },
        signal: AbortSignal.any([stop, timeout.signal]),
      });
      // Error bodies are short; read them now (bounded) so the first try of a 403-refresh-retry frees its socket.
      const text = response.ok || !response.body ? '' : new TextDecoder().decode((await readUpTo(response.body, MAX_ERROR_BODY_BYTES)) ?? new Uint8Array(0));
      return { response, text, status: response.status, date: response.headers.get('date') };
    } catch (err) {
      if (stop.aborted) throw stop.reason;
      const origin = timeout.signal.aborted ? undefined : await refusedOrigin(client.serverUrl, err, target.originProbe, target.timeoutMs);
      if (origin !== undefined) throw originRefusedError(ctx.host, origin, err);
      const code = timeout.signal.aborted ? 'timeout' : 'unreachable';
      throw new NetworkError(code, `Cannot open the live connection to ${ctx.host}. FocusFlow keeps retrying.`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  });
  const { response } = result;
  if (!response.ok) throw errorFromReply({ status: response.status, headers: response.headers, text: result.text }, ctx, target.clock.now());
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream') || !response.body) {
    await response.body?.cancel();
    throw new ServerError('bad-reply', `${ctx.host} did not open an event stream while ${ctx.what}: expected text/event-stream, got ${type || 'no content type'}.`, {
      status: response.status,
      expected: 'text/event-stream',
    });
  }
  return response.body;
}

/** Reads one stream to its end. 'refused' when the server withdrew access (it then closes the stream). */
async function consume<T>(
  body: ReadableStream<Uint8Array>,
  spec: SubscriptionSpec<T>,
  ctx: ReplyContext,
  stop: AbortSignal,
  logger: Logger,
): Promise<'ended' | 'refused'> {
  const { handlers } = spec;
  const idleMs = spec.options.idleTimeoutMs ?? 45_000;
  let refused = false;
  // A frame FocusFlow cannot take is dropped with one log line; the caller lists again to catch up.
  const drop = (problem: string) => {
    logger.warn(`Dropped a live ${spec.api} event from ${ctx.host}: ${problem}. Listing again to catch up.`);
    handlers.onResync('loss');
  };
  const parser = new SseParser(
    (message) => {
      const outcome = handleMessage(message.data, spec, drop);
      if (outcome === 'refused') refused = true;
    },
    undefined,
    drop,
  );
  const reader = body.getReader();
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      logger.debug(`Subscription to ${spec.api} silent for ${idleMs} ms; reconnecting.`);
      void reader.cancel();
    }, idleMs);
  };
  const onStop = () => void reader.cancel();
  stop.addEventListener('abort', onStop, { once: true });
  try {
    armIdle();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      armIdle();
      parser.feed(value);
      if (refused) {
        await reader.cancel();
        return 'refused';
      }
    }
  } catch (err) {
    // A broken stream is a normal way for a long-lived connection to end; the caller reconnects.
    if (!stop.aborted) handlers.onError?.(new NetworkError('unreachable', `The live connection to ${ctx.host} broke. FocusFlow reconnects on its own.`, { cause: err }));
  } finally {
    clearTimeout(idle);
    stop.removeEventListener('abort', onStop);
  }
  return 'ended';
}

function handleMessage<T>(data: string, spec: SubscriptionSpec<T>, drop: (problem: string) => void): 'ok' | 'refused' {
  const { handlers } = spec;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    drop('it is not JSON');
    return 'ok';
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) {
    drop(`it is not a change event (${describeIssue(parsed.error)})`);
    return 'ok';
  }
  const ev = parsed.data;
  if (ev.Error !== undefined) {
    const status = typeof ev.Error === 'string' ? undefined : ev.Error.status;
    const reason = typeof ev.Error === 'string' ? ev.Error : (ev.Error.message ?? undefined);
    if (status === STATUS_LOSS) {
      handlers.onResync('loss');
      return 'ok';
    }
    if (status === STATUS_FORBIDDEN) {
      handlers.onError?.(new AuthError('forbidden', `You no longer have access to these ${spec.api} changes. Check that you are still a member of the team.`, reason ? { reason } : {}));
      return 'refused';
    }
    handlers.onError?.(new ServerError('server-error', `The server reported a problem with live changes to ${spec.api}; listing again to catch up.`, reason ? { reason } : {}));
    handlers.onResync('loss');
    return 'ok';
  }
  const kind = ev.Insert !== undefined ? 'insert' : ev.Update !== undefined ? 'update' : ev.Delete !== undefined ? 'delete' : undefined;
  if (!kind) return 'ok';
  const row = spec.parseRow(kind === 'insert' ? ev.Insert : kind === 'update' ? ev.Update : ev.Delete);
  if (!row.ok) {
    drop(`FocusFlow cannot read the ${spec.api} record in it (${row.problem})`);
    return 'ok';
  }
  handlers.onEvent({ type: kind, record: row.value, ...(ev.seq !== undefined ? { seq: ev.seq } : {}) });
  return 'ok';
}
