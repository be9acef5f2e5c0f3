// CORS as TrailBase v0.33 answers it (`build_cors` in its server: tower-http 0.7's CorsLayer with any
// method, any header, and the origin mirrored, or matched against `--cors-allowed-origins`):
// - every OPTIONS request is answered by the layer itself, before any route: 200, empty body,
//   `access-control-allow-methods: *`, `access-control-allow-headers: *`, `vary: origin`, and the
//   request's origin in `access-control-allow-origin` when it is allowed; no max-age, no credentials;
// - every other request reaches its route as usual and its reply gains `vary: origin` and, for an
//   allowed origin, `access-control-allow-origin`. A refused origin is still served (the browser is
//   what withholds the reply), only without that header.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `--cors-allowed-origins` values: `*` (TrailBase's default) mirrors any origin. */
export type CorsOrigins = readonly string[];

export const ANY_ORIGIN: CorsOrigins = ['*'];

function allowedOrigin(origins: CorsOrigins, req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  // tower-http compares header values byte for byte: no case folding, no trailing-slash tolerance
  return origins.includes('*') || origins.includes(origin) ? origin : undefined;
}

/**
 * Puts the CORS headers on `res` (they merge into whatever the route writes later) and answers an
 * OPTIONS request outright. Returns true when the request is answered.
 */
export function applyCors(origins: CorsOrigins, req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('vary', 'origin');
  const origin = allowedOrigin(origins, req);
  if (origin !== undefined) res.setHeader('access-control-allow-origin', origin);
  if (req.method !== 'OPTIONS') return false;
  res.setHeader('access-control-allow-methods', '*');
  res.setHeader('access-control-allow-headers', '*');
  res.writeHead(200, { 'content-length': '0' });
  res.end();
  return true;
}
