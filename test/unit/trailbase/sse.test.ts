import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SseParser, type SseMessage } from '../../../src/core/trailbase/sse';

function parseAll(chunks: (string | Uint8Array)[]): { messages: SseMessage[]; comments: string[] } {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const parser = new SseParser((m) => messages.push(m), (c) => comments.push(c));
  for (const chunk of chunks) parser.feed(chunk);
  return { messages, comments };
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the range). */
function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    parts.push(bytes.slice(start, p));
    start = p;
  }
  parts.push(bytes.slice(start));
  return parts;
}

// What TrailBase sends: an immediate ping, then JSON change events; plus multi-line data, CRLF and
// a non-ASCII value whose UTF-8 bytes a split can cut in half.
const STREAM =
  ': ping\n\n' +
  'data: {"Insert":{"id":"AZMrGrXwfD6_EP_______w==","label":"Fokus ✓ — 集中"},"seq":1}\n\n' +
  'data: {"Update":{"id":"x"},"seq":2}\r\n\r\n' +
  'event: custom\rid: 7\rdata: line one\rdata: line two\r\r' +
  'data:no-space\n\n' +
  'data: {"Error":{"status":2,"message":"loss"}}\n\n' +
  'data: unterminated';

const EXPECTED: SseMessage[] = [
  { event: 'message', data: '{"Insert":{"id":"AZMrGrXwfD6_EP_______w==","label":"Fokus ✓ — 集中"},"seq":1}' },
  { event: 'message', data: '{"Update":{"id":"x"},"seq":2}' },
  { event: 'custom', data: 'line one\nline two', id: '7' },
  { event: 'message', data: 'no-space', id: '7' },
  { event: 'message', data: '{"Error":{"status":2,"message":"loss"}}', id: '7' },
];

describe('SseParser', () => {
  it('parses a whole stream in one chunk; an event without its closing blank line is not dispatched', () => {
    const { messages, comments } = parseAll([STREAM]);
    assert.deepEqual(messages, EXPECTED);
    assert.deepEqual(comments, ['ping']);
  });

  it('gives the same events byte by byte', () => {
    const bytes = new TextEncoder().encode(STREAM);
    assert.deepEqual(parseAll([...bytes].map((b) => Uint8Array.of(b))).messages, EXPECTED);
  });

  it('gives the same events wherever the network splits the bytes (CRLF and UTF-8 cut in half included)', () => {
    const bytes = new TextEncoder().encode(STREAM);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        assert.deepEqual(parseAll(splitAt(bytes, cuts)).messages, EXPECTED);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a CR at the end of one chunk and the LF opening the next as one line break', () => {
    const { messages } = parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    assert.deepEqual(messages, [{ event: 'message', data: 'a\nb' }]);
  });

  it('ignores a leading byte-order mark and unknown fields', () => {
    const { messages } = parseAll(['\uFEFFdata: x\nretry: 10\nfoo: bar\n\n']);
    assert.deepEqual(messages, [{ event: 'message', data: 'x' }]);
  });

  describe('drops what it cannot take whole, once per event, and reads on', () => {
    function withDrops(chunks: (string | Uint8Array)[], maxEventChars?: number) {
      const messages: SseMessage[] = [];
      const dropped: string[] = [];
      const parser = new SseParser((m) => messages.push(m), undefined, (p) => dropped.push(p), maxEventChars);
      for (const chunk of chunks) parser.feed(chunk);
      return { messages: messages.map((m) => m.data), dropped };
    }

    it('an event over the bound, in one line or many, is dropped and the next one arrives', () => {
      const line = withDrops([`data: ${'x'.repeat(200)}\n\ndata: next\n\n`], 100);
      assert.deepEqual(line, { messages: ['next'], dropped: ['an event larger than 100 characters'] });
      const many = withDrops([...Array.from({ length: 30 }, () => 'data: 0123456789\n'), '\n', 'data: next\n\n'], 100);
      assert.deepEqual(many, { messages: ['next'], dropped: ['an event larger than 100 characters'] });
    });

    it('a line that never ends stops growing the buffer at the bound', () => {
      const { messages, dropped } = withDrops(Array.from({ length: 50 }, () => 'y'.repeat(64)), 1000);
      assert.deepEqual(messages, []);
      assert.equal(dropped.length, 1);
    });

    it('an event with bytes that are not UTF-8 is dropped, not delivered with replacement characters', () => {
      const bad = new Uint8Array([...new TextEncoder().encode('data: {"Insert":"'), 0xff, 0xfe, ...new TextEncoder().encode('"}\n')]);
      const { messages, dropped } = withDrops([bad, '\ndata: good\n\n']);
      assert.deepEqual(messages, ['good']);
      assert.deepEqual(dropped, ['bytes that are not UTF-8 text']);
    });
  });
});
