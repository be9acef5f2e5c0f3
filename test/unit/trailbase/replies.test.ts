import assert from 'node:assert/strict';
import { z } from 'zod';
import { isClientError, type ClientError } from '../../../src/core/trailbase/errors';
import type { HttpReply } from '../../../src/core/trailbase/http';
import { errorFromReply, parseJsonReply } from '../../../src/core/trailbase/replies';

const ctx = { what: 'listing teams', host: 'focus.example.com', api: 'teams' };
const now = Date.parse('2026-11-25T12:00:00Z');

function reply(status: number, text: string, headers: Record<string, string> = { 'content-type': 'text/plain' }): HttpReply {
  return { status, text, headers: new Headers(headers) };
}

describe('errorFromReply: TrailBase statuses to the error union', () => {
  const cases: [number, string, ClientError['kind'], string | undefined][] = [
    [400, 'db constraint: unique', 'validation', 'bad-request'],
    [401, '', 'auth', 'signed-out'],
    [403, 'Forbidden', 'auth', 'forbidden'],
    [404, 'not found', 'not-found', undefined],
    [405, '', 'validation', 'not-trailbase'],
    [429, '', 'rate-limited', undefined],
    [500, 'boom', 'server', 'server-error'],
    [503, '', 'server', 'server-error'],
  ];
  for (const [status, body, kind, code] of cases) {
    it(`${status} → ${kind}${code ? `/${code}` : ''}, with a message that says what to do`, () => {
      const e = errorFromReply(reply(status, body), ctx, now);
      assert.ok(isClientError(e));
      assert.equal(e.kind, kind);
      if (code) assert.equal((e as { code?: string }).code, code);
      assert.equal(e.status, status);
      assert.match(e.message, /\. [A-Z][^.]*\.$/, `message ends with a next step: ${e.message}`);
    });
  }

  it('keeps the server reason of a 400 (unique violations are 400 on TrailBase)', () => {
    const e = errorFromReply(reply(400, 'db constraint: unique'), ctx, now);
    assert.equal(e.reason, 'db constraint: unique');
    assert.match(e.message, /db constraint: unique/);
  });

  it('says "not a TrailBase server, or the API is not configured" for 405', () => {
    const e = errorFromReply(reply(405, ''), ctx, now);
    assert.match(e.message, /not a TrailBase server, or its "teams" record API is not configured/);
  });

  it('carries Retry-After of a 429 in milliseconds', () => {
    const e = errorFromReply(reply(429, '', { 'retry-after': '7' }), ctx, now);
    assert.ok(e.kind === 'rate-limited');
    assert.equal(e.retryAfterMs, 7_000);
    assert.match(e.message, /Wait 7 s/);
  });

  it('does not quote an HTML error page as the reason', () => {
    const e = errorFromReply(reply(502, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' }), ctx, now);
    assert.equal(e.reason, undefined);
  });
});

describe('parseJsonReply: every reply is checked at the boundary', () => {
  const schema = z.object({ records: z.array(z.unknown()) });
  const expected = 'JSON {records: [...]}';

  for (const [name, r, problem] of [
    ['an HTML page', reply(200, '<!DOCTYPE html><html></html>', { 'content-type': 'text/html' }), 'an HTML page'],
    ['an HTML page labelled JSON', reply(200, '<html>login</html>', { 'content-type': 'application/json' }), 'an HTML page'],
    ['truncated JSON', reply(200, '{"records":[{"id":', { 'content-type': 'application/json' }), 'not complete JSON'],
    ['an empty body', reply(200, '', { 'content-type': 'application/json' }), 'an empty reply'],
    ['JSON of the wrong shape', reply(200, '{"records":"nope"}', { 'content-type': 'application/json' }), 'records: '],
  ] as const) {
    it(`turns ${name} into a typed bad-reply error naming what was expected`, () => {
      assert.throws(
        () => parseJsonReply(r, schema, ctx, expected),
        (e: unknown) => isClientError(e) && e.kind === 'server' && e.code === 'bad-reply' && e.expected === expected && e.message.includes(expected) && e.message.includes(problem),
      );
    });
  }

  it('returns the parsed value of a well-formed reply', () => {
    assert.deepEqual(parseJsonReply(reply(200, '{"records":[1,2]}'), schema, ctx, expected), { records: [1, 2] });
  });
});
