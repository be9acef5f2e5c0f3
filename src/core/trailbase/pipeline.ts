import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Caller, CallSpec, StreamTarget } from './call';
import type { HttpTransport } from './http';
import type { OriginProbe } from './originRefusal';
import { errorFromReply, isOk, type ReplyContext } from './replies';
import { withRetry, type RetryPolicy } from './retry';
import type { Session } from './session';

/**
 * Every request's way through auth, retries and error mapping. A 403 answered to a token that had
 * expired (record APIs never say 401) is answered by one refresh and one more try.
 */
export class RequestPipeline implements Caller {
  constructor(
    readonly serverUrl: URL,
    private readonly o: {
      http: HttpTransport;
      session: () => Session;
      retryPolicy: RetryPolicy;
      logger: Logger;
      clock: Clock;
      fetch: typeof fetch;
      timeout: () => number;
      originProbe?: OriginProbe;
    },
  ) {}

  call<T>(spec: CallSpec<T>): Promise<T> {
    const ctx: ReplyContext = { ...spec.ctx, host: this.serverUrl.host };
    return withRetry(
      { idempotent: spec.idempotent, policy: this.o.retryPolicy, logger: this.o.logger, label: `${spec.method} ${spec.path}`, ...(spec.signal ? { signal: spec.signal } : {}) },
      async (attempt) => {
        const { reply } = await this.authorized(spec.auth, (headers) =>
          this.o.http
            .send({
              method: spec.method,
              path: spec.path,
              headers,
              what: ctx.what,
              ...(spec.query ? { query: spec.query } : {}),
              ...(spec.body !== undefined ? { body: spec.body } : {}),
              ...(spec.signal ? { signal: spec.signal } : {}),
            })
            .then((r) => ({ reply: r, status: r.status, date: r.headers.get('date') })),
        );
        if (isOk(reply) || spec.acceptStatus?.(reply.status, attempt)) return spec.onReply(reply, ctx);
        throw spec.onError?.(reply, ctx) ?? errorFromReply(reply, ctx, this.o.clock.now());
      },
    );
  }

  async authorized<R extends { status: number; date: string | null }>(auth: boolean, send: (headers: Record<string, string>) => Promise<R>): Promise<R> {
    const session = this.o.session();
    const used = auth ? await session.fresh() : undefined;
    const first = await send(session.headers(used));
    if (first.status !== 403 || !used || !session.wasExpired(used, first.date)) return first;
    this.o.logger.debug('TrailBase answered 403 to an expired token; renewing it and trying once more.');
    const renewed = await session.refresh(used);
    return send(session.headers(renewed));
  }

  streamTarget(path: string, query?: URLSearchParams): StreamTarget {
    return {
      url: this.o.http.url(path, query),
      fetch: this.o.fetch,
      timeoutMs: this.o.timeout(),
      logger: this.o.logger,
      clock: this.o.clock,
      ...(this.o.originProbe ? { originProbe: this.o.originProbe } : {}),
    };
  }
}
