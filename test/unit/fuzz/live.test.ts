// Network-boundary fuzz (see boundary.ts): the live stream. A bent event is dropped with at most one
// log line, valid events keep arriving on the same stream, and nothing crashes.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import type { z } from 'zod';
import { remoteTeamSchema } from '../../../src/core/models/team';
import type { ChangeEvent } from '../../../src/core/trailbase';
import { bent, count, LinesLogger, params, RUNS, SCALE, SEED, teamArb, useBoundary } from './boundary';
import { mutationArb, type Json } from './mutate';

describe(`network boundary fuzz: live stream (seed ${SEED}, scale ${SCALE})`, function () {
  this.timeout(600_000);
  const b = useBoundary();

  it('live stream: a bent event is dropped with one log line, valid events arrive, the stream never crashes', async () => {
    const logger = new LinesLogger();
    const client = await b.signedInClient(logger);
    let stream: ServerResponse | undefined;
    let opened: () => void = () => undefined;
    b.route = () => ({ status: 200, stream: (res) => ((stream = res), opened()) });
    const events: ChangeEvent<z.infer<typeof remoteTeamSchema>>[] = [];
    let waiter: { seq: number; resolve: () => void } | undefined;
    let resyncs = 0;
    const openedOnce = new Promise<void>((resolve) => (opened = resolve));
    const sub = client.records('teams', remoteTeamSchema).subscribe(
      '*',
      {
        onEvent: (e) => {
          events.push(e);
          if (waiter && e.seq === waiter.seq) waiter.resolve();
        },
        onResync: () => void resyncs++,
        onError: () => undefined,
      },
      { backoff: { baseMs: 1, capMs: 5 } },
    );
    await openedOnce;
    let seq = 1_000_000;
    const frameMutation = fc.oneof(
      { weight: 8, arbitrary: mutationArb({ tooLarge: false }).filter((m) => m.kind !== 'status' && m.kind !== 'content-type' && m.kind !== 'truncate') },
      { weight: 1, arbitrary: fc.constantFrom('no-data-prefix', 'huge-line', 'event-field', 'comment', 'cr-only') },
    );
    await fc.assert(
      fc.asyncProperty(teamArb, frameMutation, async (team, m) => {
        count('live event');
        const valid = { Insert: team, seq: 1 } as Json;
        let frame: Buffer;
        if (typeof m === 'string') {
          const json = JSON.stringify(valid);
          frame = Buffer.from(
            m === 'no-data-prefix' ? `${json}\n\n` : m === 'huge-line' ? `data: ${'x'.repeat(1_100_000)}\n\n` : m === 'event-field' ? `event: weird\ndata: ${json}\n\n` : m === 'comment' ? `: ${json}\n\n` : `data: ${json}\r\r`,
          );
        } else {
          const reply = bent(valid, m);
          const text = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body ?? '');
          // A frame is one data line: line breaks inside would only split it into more lines.
          frame = Buffer.concat([Buffer.from('data: '), Buffer.from(text.toString('latin1').replace(/[\r\n]/g, ' '), 'latin1'), Buffer.from('\n\n')]);
        }
        const linesBefore = logger.lines.filter((l) => l.startsWith('warn')).length;
        const eventsBefore = events.length;
        const sentinel = ++seq;
        const arrived = new Promise<void>((resolve) => (waiter = { seq: sentinel, resolve }));
        stream?.write(frame);
        stream?.write(`\n\ndata: ${JSON.stringify({ Insert: team, seq: sentinel })}\n\n`);
        await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('the next good event did not arrive')), 5_000))]);
        const warned = logger.lines.filter((l) => l.startsWith('warn')).length - linesBefore;
        const delivered = events.slice(eventsBefore, -1);
        assert.ok(warned <= 1, `at most one log line per bent event (${warned})`);
        for (const e of delivered) assert.deepEqual(remoteTeamSchema.parse(e.record), e.record);
        if (m === 'comment' || m === 'event-field') assert.equal(warned, 0);
      }),
      params(RUNS.live),
    );
    sub.dispose();
    stream?.end();
    await sub.closed;
    client.dispose();
    assert.ok(resyncs > 0, 'dropped events asked for a resync');
  });
});
