import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/core/logger';
import { backoffDelay } from '../../../src/core/backoff';
import { parseRetryAfterMs } from '../../../src/core/trailbase/waits';
import { AuthError, NetworkError, RateLimitedError, ServerError } from '../../../src/core/trailbase/errors';
import { defaultRetryPolicy, isTransient, withRetry, type RetryPolicy } from '../../../src/core/trailbase/retry';

describe('backoff', () => {
  const policy = { baseMs: 100, capMs: 1_000 };

  it('grows exponentially up to the cap (upper edge of the jitter window)', () => {
    const top = () => 0.999999;
    assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n + 1, top, policy)), [99, 199, 399, 799, 999, 999, 999]);
  });

  it('spreads delays over the whole window (full jitter) and never exceeds it', () => {
    const draws = Array.from({ length: 2_000 }, () => backoffDelay(4, Math.random, policy));
    assert.ok(Math.min(...draws) < 100, 'some delays near zero');
    assert.ok(Math.max(...draws) > 700, 'some delays near the top');
    assert.ok(draws.every((d) => d >= 0 && d < 800));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    assert.equal(parseRetryAfterMs('3', now), 3_000);
    assert.equal(parseRetryAfterMs('Wed, 25 Nov 2026 12:00:05 GMT', now), 5_000);
    assert.equal(parseRetryAfterMs('Wed, 25 Nov 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs(null, now), undefined);
  });
});

describe('withRetry', () => {
  function harness(failures: unknown[], overrides: Partial<RetryPolicy> = {}) {
    const waits: number[] = [];
    let calls = 0;
    const policy: RetryPolicy = {
      ...defaultRetryPolicy,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...overrides,
    };
    const run = (idempotent: boolean) =>
      withRetry({ idempotent, policy, logger: silentLogger, label: 'GET /x' }, async () => {
        const failure = failures[calls++];
        if (failure) throw failure;
        return 'done';
      });
    return { run, waits, calls: () => calls };
  }

  it('retries network errors and 502/503/504 of idempotent requests with growing jittered waits', async () => {
    const h = harness([
      new NetworkError('unreachable', 'x'),
      new ServerError('server-error', 'x', { status: 503 }),
      new ServerError('server-error', 'x', { status: 504 }),
    ]);
    assert.equal(await h.run(true), 'done');
    assert.deepEqual(h.waits, [125, 250, 500]);
  });

  it('waits exactly the Retry-After of a 429', async () => {
    const h = harness([new RateLimitedError('x', 2_000)]);
    assert.equal(await h.run(true), 'done');
    assert.deepEqual(h.waits, [2_000]);
  });

  it('gives up at once when Retry-After is longer than the policy allows', async () => {
    const h = harness([new RateLimitedError('x', 120_000)]);
    await assert.rejects(h.run(true), RateLimitedError);
    assert.equal(h.calls(), 1);
  });

  it('never retries a request that is not idempotent', async () => {
    const h = harness([new NetworkError('timeout', 'x')]);
    await assert.rejects(h.run(false), NetworkError);
    assert.equal(h.calls(), 1);
  });

  it('does not retry 500 or auth errors, and stops after the configured retries', async () => {
    assert.equal(isTransient(new ServerError('server-error', 'x', { status: 500 })), false);
    assert.equal(isTransient(new AuthError('forbidden', 'x')), false);
    const always = Array.from({ length: 10 }, () => new NetworkError('unreachable', 'x'));
    const h = harness(always, { retries: 3 });
    await assert.rejects(h.run(true), NetworkError);
    assert.equal(h.calls(), 4);
  });
});
