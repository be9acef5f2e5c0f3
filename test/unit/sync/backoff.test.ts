import * as assert from 'assert';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay, defaultBackoff } from '../../../src/core/backoff';

describe('backoff', () => {
  it('draws every delay between zero and a ceiling that doubles from the base up to the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (failures, random, baseMs, capMs) => {
          const policy = { baseMs, capMs };
          const ceiling = backoffCeiling(failures, policy);
          const delay = backoffDelay(failures, () => random, policy);
          assert.ok(Number.isInteger(delay));
          assert.ok(delay >= 0 && delay <= ceiling, `${delay} outside [0, ${ceiling}]`);
          assert.ok(ceiling <= capMs);
          assert.strictEqual(ceiling, Math.min(capMs, baseMs * 2 ** (failures - 1)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('grows 2 s, 4 s, 8 s … and stops at 10 minutes by default', () => {
    const ceilings = Array.from({ length: 12 }, (_, i) => backoffCeiling(i + 1));
    assert.deepStrictEqual(ceilings, [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 600_000, 600_000, 600_000]);
    assert.strictEqual(backoffCeiling(10_000, defaultBackoff), 600_000);
  });

  it('spreads clients out: the jitter covers the whole range', () => {
    assert.strictEqual(backoffDelay(3, () => 0), 0);
    assert.strictEqual(backoffDelay(3, () => 0.5), 4_000);
    assert.strictEqual(backoffDelay(3, () => 0.999999), 7_999);
  });
});
