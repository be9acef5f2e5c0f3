// Request/reply plumbing shared by the route handlers: bounded body reading (TrailBase's 10 MiB
// default answers 413 beyond it), body parsing as TrailBase's extractors do (JSON, form), and
// writing plain-text or JSON replies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors';
import { parseJson, stringifyJson } from './json';

export interface Req {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; headers?: Record<string, string> }
  | { status: number; empty: true; headers?: Record<string, string> };

export const text = (body: string, status = 200): Reply => ({ status, text: body });
export const json = (body: unknown, status = 200): Reply => ({ status, json: body });
export const empty = (status = 200): Reply => ({ status, empty: true });

/** Reads the whole body, or rejects with 413 once it passes `limit` bytes. An oversized body is
 *  still drained (up to a bound) before the 413 goes out: a server that answers while the client is
 *  still uploading has its reply lost to a reset connection. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      if (size > 8 * limit) req.destroy();
      if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) reject(new HttpError(413, 'Failed to buffer the body: length limit exceeded'));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function contentType(req: Req): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** JSON body as axum's Json extractor reads it: 415 without a JSON content type, 400 when malformed. */
export function jsonBody(req: Req): unknown {
  const ct = contentType(req);
  if (!(ct === 'application/json' || /^application\/[^/]+\+json$/.test(ct))) {
    throw new HttpError(415, 'Expected request with `Content-Type: application/json`');
  }
  try {
    return parseJson(req.body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `Failed to parse the request body as JSON: ${(err as Error).message}`);
  }
}

/** JSON or urlencoded form, as TrailBase's `Either` extractor accepts for records and auth. */
export function jsonOrFormBody(req: Req): unknown {
  const ct = contentType(req);
  if (ct === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(req.body.toString('utf8')));
  if (ct === 'application/json' || ct === '') {
    try {
      return parseJson(req.body.toString('utf8'));
    } catch (err) {
      throw new HttpError(400, `Json(JsonSyntaxError(${(err as Error).message}))`);
    }
  }
  throw new HttpError(400, `UnsupportedContentType("${ct}")`);
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body: string | undefined;
  if ('json' in reply) {
    headers['content-type'] = 'application/json';
    body = stringifyJson(reply.json);
  } else if ('text' in reply) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = reply.text;
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

export function errorReply(err: HttpError): Reply {
  const reply: Reply = err.body ? text(err.body, err.status) : empty(err.status);
  reply.headers = err.headers;
  return reply;
}
