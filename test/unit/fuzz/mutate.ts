// Mutations of a valid server reply, for the network-boundary fuzz suite. A mutation is plain data
// (printed by fast-check on failure, so a case replays from its seed and path) applied in two steps:
// to the JSON value, then to the bytes and headers that carry it.
import fc from 'fast-check';
import type { HostileReply } from '../../support/hostileServer';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Mutation =
  | { kind: 'none' }
  | { kind: 'wrong-type'; at: number; value: Json }
  | { kind: 'missing'; at: number }
  | { kind: 'extra'; at: number; key: string; value: Json }
  | { kind: 'bad-id'; at: number; id: string }
  | { kind: 'huge-string'; at: number; length: number }
  | { kind: 'deep'; at: number; depth: number }
  | { kind: 'content-type'; type: string; html: boolean }
  | { kind: 'truncate'; at: number; close: boolean }
  | { kind: 'invalid-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'status'; status: number; keepBody: boolean }
  | { kind: 'too-large' };

/** Ids as a broken server or proxy might spell them: every one of these must be refused. */
const badIds = ['not-an-id', '', '0193f1a2-7c4d-7e8f-9a0b-1c2d3e4f5a6b', 'AZPxonxNfo-aC6u8zN3u_w', 'AZPxonxNfo+aC6u8zN3u/w==', 'AZPxonxNfo-aC6u8zN3u_w===', '../../etc/passwd', 'AZPxonxNfo-aC6u8zN3u_w==\n', '\u0000'];

const otherValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, '', 'x', [], {}, [null], { a: 1 }, '1', 'true'),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** Status codes outside what TrailBase answers for these requests. */
const odd = fc.constantFrom(201, 202, 203, 204, 206, 226, 299, 300, 301, 302, 303, 304, 307, 399, 400, 401, 402, 403, 404, 405, 408, 409, 410, 413, 418, 422, 429, 431, 451, 499, 500, 501, 502, 503, 504, 505, 520, 599);

export function mutationArb(o: { tooLarge: boolean }): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrong-type' as const), at, value: otherValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('missing' as const), at }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), at, key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'Id', 'Error')), value: otherValue }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('bad-id' as const), at, id: fc.constantFrom(...badIds) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge-string' as const), at, length: fc.oneof(fc.integer({ min: 1_000, max: 70_000 }), fc.constant(300_000)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), at, depth: fc.oneof(fc.integer({ min: 50, max: 5_000 }), fc.constant(100_000)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('content-type' as const), type: fc.constantFrom('text/html; charset=utf-8', 'text/plain', 'application/octet-stream', ''), html: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at, close: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('invalid-utf8' as const), at, bytes: fc.constantFrom<readonly number[]>([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf]) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), status: odd, keepBody: fc.boolean() }) },
    ...(o.tooLarge ? [{ weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'too-large' }) }] : []),
  );
}

type Path = (string | number)[];

function paths(v: Json, base: Path = [], out: Path[] = []): Path[] {
  out.push(base);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...base, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...base, k], out);
  return out;
}

function get(v: Json, path: Path): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of path) cur = cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string, Json>)[k as string];
  return cur;
}

/** A copy of `v` with the value at `path` replaced (or removed when `value` is undefined). */
function set(v: Json, path: Path, value: Json | undefined): Json | undefined {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    const next = set(copy[head as number], rest, value);
    if (next === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = next as Json;
    return copy;
  }
  const copy: Record<string, Json> = { ...(v as Record<string, Json>) };
  const next = set(copy[head as string], rest, value);
  if (next === undefined && rest.length === 0) delete copy[head as string];
  else Object.defineProperty(copy, head as string, { value: next, enumerable: true, writable: true, configurable: true });
  return copy;
}

const DEEP = '\u0000deep\u0000';

/** The JSON step: returns the value to serialise (undefined: no body at all) and any text to splice in. */
export function mutateJson(v: Json, m: Mutation): { value: Json | undefined; deep?: number } {
  const all = paths(v);
  const pick = (candidates: Path[], at: number) => (candidates.length === 0 ? undefined : candidates[at % candidates.length]);
  switch (m.kind) {
    case 'wrong-type':
      return { value: set(v, pick(all, m.at) as Path, m.value) };
    case 'missing':
      return { value: set(v, pick(all, m.at) as Path, undefined) };
    case 'extra': {
      const objects = all.filter((p) => {
        const x = get(v, p);
        return x !== null && typeof x === 'object' && !Array.isArray(x);
      });
      const path = pick(objects, m.at);
      return { value: path ? set(v, [...path, m.key], m.value) : v };
    }
    case 'bad-id': {
      const ids = all.filter((p) => { const x = get(v, p); return typeof x === 'string' && /^[A-Za-z0-9_-]{22}==$/.test(x); });
      const path = pick(ids, m.at) ?? pick(all.filter((p) => typeof get(v, p) === 'string'), m.at);
      return { value: path ? set(v, path, m.id) : v };
    }
    case 'huge-string': {
      const strings = all.filter((p) => typeof get(v, p) === 'string');
      return { value: set(v, pick(strings, m.at) ?? [], 'x'.repeat(m.length)) };
    }
    case 'deep':
      return { value: set(v, pick(all, m.at) as Path, DEEP), deep: m.depth };
    default:
      return { value: v };
  }
}

/** The bytes step: content type, truncation, invalid UTF-8, status, size. */
export function toReply(text: string | undefined, m: Mutation, deep?: number, tooLargeBytes = 0): HostileReply {
  let body = text ?? '';
  if (deep !== undefined) body = body.replace(JSON.stringify(DEEP), `${'['.repeat(deep)}${']'.repeat(deep)}`);
  const reply: HostileReply = { status: 200, headers: { 'content-type': 'application/json' }, body };
  switch (m.kind) {
    case 'content-type':
      reply.headers = { 'content-type': m.type };
      if (m.html) reply.body = `<!doctype html><html><body><h1>Sign in to the proxy</h1>${body.slice(0, 50)}</body></html>`;
      break;
    case 'truncate': {
      const bytes = Buffer.from(body);
      const cut = bytes.length === 0 ? 0 : m.at % bytes.length;
      if (m.close) reply.truncateAt = cut;
      else reply.body = bytes.subarray(0, cut);
      break;
    }
    case 'invalid-utf8': {
      const bytes = Buffer.from(body);
      const at = bytes.length === 0 ? 0 : m.at % bytes.length;
      reply.body = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
      break;
    }
    case 'status':
      reply.status = m.status;
      if (!m.keepBody) reply.body = m.status >= 400 ? `Error: something failed\n${'    at frame (server.rs:1:1)\n'.repeat(1500)}` : '';
      break;
    case 'too-large':
      reply.body = `${body.slice(0, -1)}${' '.repeat(tooLargeBytes)}${body.slice(-1)}`;
      break;
  }
  return reply;
}
