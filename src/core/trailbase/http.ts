import { createFetch, type $Fetch } from 'ofetch';
import { NetworkError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute path on the server, e.g. `/api/records/v1/teams`. */
  path: string;
  query?: URLSearchParams;
  /** Serialised as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpReply {
  status: number;
  headers: Headers;
  /** The whole body as text: parsing is the caller's, so a truncated or HTML body can be named precisely. */
  text: string;
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
      const response = await this.ofetch.raw<string, 'text'>(this.url(req.path, req.query), {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal,
        retry: false,
        ignoreResponseError: true,
        responseType: 'text',
      });
      return { status: response.status, headers: response.headers, text: response._data ?? '' };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      const where = `${this.baseUrl.host}`;
      if (timeout.signal.aborted) {
        throw new NetworkError(
          'timeout',
          `${where} did not answer within ${seconds(timeoutMs)} s. Check your connection or the server, then try again.`,
          { cause: err },
        );
      }
      throw new NetworkError(
        'unreachable',
        `Cannot reach the TrailBase server at ${where}. Check the address and your connection, then try again.`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}
