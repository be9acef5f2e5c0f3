import type { z } from 'zod';
import { parseRetryAfterMs } from './waits';
import {
  AuthError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  ValidationError,
  type ClientError,
} from './errors';
import type { HttpReply } from './http';

/** What a request was for, in words a user understands ("reading team members"); used in messages. */
export interface ReplyContext {
  what: string;
  host: string;
  /** Record API name, when the request went to one; 405 then means the API is not configured. */
  api?: string;
}

export function isOk(reply: HttpReply): boolean {
  return reply.status >= 200 && reply.status < 300;
}

function looksLikeHtml(reply: HttpReply): boolean {
  const type = reply.headers.get('content-type') ?? '';
  return type.includes('text/html') || /^\s*<(!doctype|html|head|body)/i.test(reply.text);
}

/** Reasons quoted in a message: a server's 50 KB stack trace must not become the message. */
const MAX_QUOTED_REASON = 300;

/** The server's plain-text explanation, on one line and shortened, when it gave one that is not a whole web page. */
function serverReason(reply: HttpReply): string | undefined {
  if (looksLikeHtml(reply)) return undefined;
  const text = reply.text.slice(0, MAX_QUOTED_REASON * 4).replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  return text.length > MAX_QUOTED_REASON ? `${text.slice(0, MAX_QUOTED_REASON)}…` : text;
}

/**
 * Maps a TrailBase error status to the client's error union (`records/error.rs`, `auth/error.rs`).
 * Auth-specific meanings of 401/403 (login, refresh) are decided by the caller before this.
 */
export function errorFromReply(reply: HttpReply, ctx: ReplyContext, nowMs: number): ClientError {
  const reason = serverReason(reply);
  const details = { status: reply.status, ...(reason !== undefined ? { reason } : {}) };
  const because = reason ? `: ${reason}` : '';
  const s = reply.status;
  if (s === 400 || s === 413 || s === 422) {
    return new ValidationError('bad-request', `The server refused ${ctx.what}${because}. Correct the input and try again.`, details);
  }
  if (s === 401) {
    return new AuthError('signed-out', `The server did not accept your sign-in while ${ctx.what}. Sign in to your team again.`, details);
  }
  if (s === 403) {
    return new AuthError(
      'forbidden',
      `You are not allowed to do this (${ctx.what}). Check that you are a member of the team, or ask a team owner for access.`,
      details,
    );
  }
  if (s === 404) return new NotFoundError(`Not found while ${ctx.what}: it may have been deleted. Refresh and try again.`, details);
  if (s === 405) {
    const what = ctx.api ? `its "${ctx.api}" record API is not configured` : 'this API is not enabled';
    return new ValidationError(
      'not-trailbase',
      `${ctx.host} is not a TrailBase server, or ${what}. Check the server address, or ask your admin to deploy the FocusFlow server kit.`,
      details,
    );
  }
  if (s === 429) {
    const retryAfterMs = parseRetryAfterMs(reply.headers.get('retry-after'), nowMs);
    const wait = retryAfterMs === undefined ? 'a moment' : `${Math.ceil(retryAfterMs / 1000)} s`;
    return new RateLimitedError(`The server is limiting requests. Wait ${wait}, then try again.`, retryAfterMs, details);
  }
  if (s >= 500) {
    return new ServerError('server-error', `The server failed while ${ctx.what} (HTTP ${s}). Try again later; if it keeps failing, tell your server admin.`, details);
  }
  return new ServerError('server-error', `Unexpected answer from the server while ${ctx.what} (HTTP ${s})${because}. Try again later.`, details);
}

/** A reply that is not the JSON we expected: HTML, truncated or wrongly shaped; `field` names the wrong part. */
export function badReply(reply: HttpReply, ctx: ReplyContext, expected: string, problem: string, field?: string): ServerError {
  return new ServerError(
    'bad-reply',
    `${ctx.host} did not answer like a TrailBase server while ${ctx.what}: expected ${expected}, got ${problem}. Check the server address (a proxy or login page may be in the way).`,
    { status: reply.status, expected, ...(field !== undefined ? { field } : {}) },
  );
}

/** Parses a JSON body against `schema`; any other body becomes a `bad-reply` ServerError naming `expected`. */
export function parseJsonReply<S extends z.ZodType>(reply: HttpReply, schema: S, ctx: ReplyContext, expected: string): z.output<S> {
  if (looksLikeHtml(reply)) throw badReply(reply, ctx, expected, 'an HTML page');
  if (reply.invalidUtf8) throw badReply(reply, ctx, expected, 'bytes that are not valid UTF-8 text');
  let json: unknown;
  try {
    json = JSON.parse(reply.text);
  } catch {
    throw badReply(reply, ctx, expected, reply.text.trim() === '' ? 'an empty reply' : 'text that is not complete JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw badReply(reply, ctx, expected, `JSON of another shape (${describeIssue(parsed.error)})`, issuePath(parsed.error));
  return parsed.data;
}

/** The dotted path of the first problem (`records.3.id`), or undefined when the whole value was wrong. */
export function issuePath(error: z.ZodError): string | undefined {
  const path = error.issues[0]?.path;
  return path && path.length > 0 ? path.join('.') : undefined;
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'the value';
  return `${path}: ${issue.message}`;
}
