// Telling "the server refused this page's origin" from "the server cannot be reached". In a browser
// (vscode.dev, github.dev, a web worker extension host) both surface as the same `TypeError: Failed to
// fetch`: a server that answers without allowing the page's origin (CORS) has its reply withheld, and
// the script learns nothing more. So after such a failure two small GETs ask: may this page read the
// server at all (a plain request: if it may, CORS is not what failed, a dropped connection is)? And
// does the server answer at all (a `no-cors` request, exempt from the check: it resolves with an
// opaque reply whenever the server answered)? Refused, yet answering: the origin is not allowed.
// Outside a browser there is no page origin and no CORS: nothing here runs, and Node's behaviour stays.
import { NetworkError } from './errors';

/** What a browser-like runtime needs for the check: its own origin and the fetch to probe with. */
export interface OriginProbe {
  /** The origin this runtime's requests carry in `Origin`, e.g. `https://vscode.dev`. */
  origin: string;
  fetch: typeof fetch;
}

/**
 * The origin a browser puts on this runtime's requests (`self.origin` in a worker or page), or
 * undefined where there is none (Node, Electron's Node host) or it is opaque (`null`).
 */
export function browserOrigin(scope: object = globalThis): string | undefined {
  const g = scope as { origin?: unknown; location?: { origin?: unknown } };
  const origin = typeof g.origin === 'string' ? g.origin : typeof g.location?.origin === 'string' ? g.location.origin : undefined;
  return origin && origin !== 'null' ? origin : undefined;
}

/** The browser's own fetch failure, possibly wrapped by ofetch (its FetchError keeps it as `cause`). */
function isBrowserFetchFailure(err: unknown): boolean {
  const failure = err instanceof Error && err.name !== 'TypeError' ? err.cause : err;
  return failure instanceof Error && failure.name === 'TypeError';
}

/**
 * After a request to `url` failed with `err`: the origin the server refused, when that is what
 * happened, else undefined (then it is unreachable as far as anyone can tell). Probes only in a
 * browser-like runtime, only after a fetch TypeError, and only for a cross-origin server.
 */
export async function refusedOrigin(serverUrl: URL, err: unknown, probe: OriginProbe | undefined, timeoutMs: number): Promise<string | undefined> {
  if (!probe || !isBrowserFetchFailure(err)) return undefined;
  if (serverUrl.origin === probe.origin) return undefined; // same origin: CORS plays no part
  const signal = AbortSignal.timeout(timeoutMs);
  // TrailBase's health check: harmless to repeat, and any HTTP answer at all resolves these GETs
  const url = new URL('api/healthcheck', serverUrl.href.endsWith('/') ? serverUrl : `${serverUrl.href}/`).href;
  const answers = (mode: RequestMode): Promise<boolean> =>
    probe.fetch(url, { mode, credentials: 'omit', cache: 'no-store', signal }).then(
      () => true,
      () => false,
    );
  if (await answers('cors')) return undefined; // this origin may read the server: the failure was something else
  return (await answers('no-cors')) ? probe.origin : undefined;
}

/** The server answered but does not allow `origin`: what to set on it, and what to do then. */
export function originRefusedError(host: string, origin: string, cause: unknown): NetworkError {
  return new NetworkError(
    'origin-refused',
    `The TrailBase server at ${host} answered, but it does not accept requests from ${origin}, where FocusFlow runs in this browser (CORS), so the browser withheld its reply. ` +
      `Ask whoever runs the server to start it with --cors-allowed-origins ${origin} (or without that flag: its default, *, accepts any origin), then connect again.`,
    { cause },
  );
}
