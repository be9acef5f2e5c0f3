import { createFetch, type $Fetch } from 'ofetch';
import { NetworkError, ServerError } from './errors';
import { originRefusedError, refusedOrigin, type OriginProbe } from './originRefusal';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The largest reply FocusFlow reads: 32 MiB. A full TrailBase page (1024 records) is a few hundred KB,
 * so anything this big is a proxy's error page, a wrong server or an attack; it is refused before it is
 * parsed, and reading stops as soon as the bound is crossed, so memory stays bounded too.
 */
export const MAX_REPLY_BYTES = 32 * 1024 * 1024;

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute path on the server, e.g. `/api/records/v1/teams`. */
  path: string;
  query?: URLSearchParams;
  /** Serialised as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** What the request is for, in the user's words; named when the reply is refused. */
  what?: string;
}

export interface HttpReply {
  status: number;
  headers: Headers;
  /** The whole body as text: parsing is the caller's, so a truncated or HTML body can be named precisely. */
  text: string;
  /** The body was not valid UTF-8 (`text` then holds it with replacement characters, fit only for messages). */
  invalidUtf8?: boolean;
}

/**
 * One HTTP exchange over ofetch, nothing more: no retries, no auth, no status interpretation.
 * The timeout covers the whole exchange including the body, since a server that stalls mid-body is as
 * unusable as one that never answers.
 */
export class HttpTransport {
  private readonly ofetch: $Fetch;
  private readonly prefix: string;

  constructor(
    private readonly baseUrl: URL,
    private readonly timeoutMs: () => number,
    fetchImpl?: typeof fetch,
    private readonly maxReplyBytes: number = MAX_REPLY_BYTES,
    /** In a browser-like runtime only: tells a CORS refusal from an unreachable server. */
    private readonly originProbe?: OriginProbe,
  ) {
    // A URL's path is never empty ("/" at least); a server behind a path prefix keeps it.
    this.prefix = `${baseUrl.origin}${baseUrl.pathname.replace(/\/+$/, '')}`;
    this.ofetch = createFetch({ fetch: fetchImpl ?? ((input, init) => globalThis.fetch(input, init)) });
  }

  url(path: string, query?: URLSearchParams): string {
    const qs = query?.toString();
    return `${this.prefix}${path}${qs ? `?${qs}` : ''}`;
  }

  async send(req: HttpRequest): Promise<HttpReply> {
    const timeout = new AbortController();
    const timeoutMs = this.timeoutMs();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.ofetch.raw<ReadableStream<Uint8Array> | undefined, 'stream'>(this.url(req.path, req.query), {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal,
        retry: false,
        ignoreResponseError: true,
        responseType: 'stream',
      });
      const bytes = await this.readBounded(response.headers, response._data ?? undefined, req.what);
      return { status: response.status, headers: response.headers, ...decodeUtf8(bytes) };
    } catch (err) {
      if (err instanceof ServerError) throw err;
      if (req.signal?.aborted) throw req.signal.reason;
      const where = `${this.baseUrl.host}`;
      if (timeout.signal.aborted) {
        throw new NetworkError(
          'timeout',
          `${where} did not answer within ${seconds(timeoutMs)} s. Check your connection or the server, then try again.`,
          { cause: err },
        );
      }
      const origin = await refusedOrigin(this.baseUrl, err, this.originProbe, timeoutMs);
      if (origin !== undefined) throw originRefusedError(where, origin, err);
      throw new NetworkError(
        'unreachable',
        `Cannot reach the TrailBase server at ${where}. Check the address and your connection, then try again.`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** The body, up to the bound: a `Content-Length` over it is refused unread, a longer stream is cut off. */
  private async readBounded(headers: Headers, body: ReadableStream<Uint8Array> | undefined, what: string | undefined): Promise<Uint8Array> {
    if (!body) return new Uint8Array(0);
    const declared = Number(headers.get('content-length') ?? NaN);
    if (declared > this.maxReplyBytes) {
      await body.cancel().catch(() => undefined);
      throw this.tooLarge(declared, what);
    }
    const bytes = await readUpTo(body, this.maxReplyBytes);
    if (!bytes) throw this.tooLarge(this.maxReplyBytes + 1, what);
    return bytes;
  }

  private tooLarge(bytes: number, what: string | undefined): ServerError {
    const limit = megabytes(this.maxReplyBytes);
    return new ServerError(
      'reply-too-large',
      `${this.baseUrl.host} sent a reply of more than ${limit}${what ? ` while ${what}` : ''}; FocusFlow refuses replies over ${limit} unread (${megabytes(bytes)} or more arrived). Check the server address (a proxy may be in the way), or tell your server admin.`,
      { expected: `a reply of at most ${limit}` },
    );
  }
}

/** The whole body, or undefined (and the stream cancelled) as soon as it grows past `limit` bytes. */
export async function readUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

function decodeUtf8(bytes: Uint8Array): { text: string; invalidUtf8?: boolean } {
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    return { text: lenientUtf8.decode(bytes), invalidUtf8: true };
  }
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}
