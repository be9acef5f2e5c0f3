import assert from 'node:assert/strict';
import { FocusValidationError } from '../../../src/core/focus/errors';
import { formatClock, formatDuration } from '../../../src/core/focus/format';
import { nextBreakType } from '../../../src/core/focus/breakCycle';
import { startOfLocalDay, startOfLocalWeek } from '../../../src/core/focus/periods';
import { parseLabel, parseMinutes } from '../../../src/core/focus/validation';

describe('focus duration validation', () => {
  for (const bad of [0, -5, 1441, 0.5, NaN, Infinity, '', 'abc', '25min', null, {}, true]) {
    it(`refuses ${typeof bad === 'number' ? String(bad) : JSON.stringify(bad)} with a message`, () => {
      assert.throws(
        () => parseMinutes(bad),
        (e) => e instanceof FocusValidationError && e.code === 'invalid-duration' && /minute|Duration/.test(e.message),
      );
    });
  }

  it('accepts whole minutes from 1 to 24 h, typed or numeric', () => {
    assert.equal(parseMinutes(1), 1);
    assert.equal(parseMinutes(' 50 '), 50);
    assert.equal(parseMinutes(1440), 1440);
  });

  it('stores blank labels as none and refuses non-text', () => {
    assert.equal(parseLabel('  '), null);
    assert.equal(parseLabel(' write docs '), 'write docs');
    assert.throws(() => parseLabel(42), FocusValidationError);
  });
});

describe('focus display helpers', () => {
  it('formats countdowns and totals the way the status bar and history show them', () => {
    assert.equal(formatClock(24 * 60 + 13), '24:13');
    assert.equal(formatClock(5), '00:05');
    assert.equal(formatClock(3600 + 5 * 60), '1:05:00');
    assert.equal(formatDuration(95 * 60 + 59), '1 h 35 min');
    assert.equal(formatDuration(25 * 60), '25 min');
  });

  it('earns a long break after every N completed focus sessions', () => {
    assert.equal(nextBreakType(3, 4), 'short');
    assert.equal(nextBreakType(4, 4), 'long');
    assert.equal(nextBreakType(9, 0), 'short', '0 turns long breaks off');
  });

  it('starts weeks on Monday at local midnight', () => {
    const wednesdayNoon = new Date(2026, 2, 4, 12, 30).getTime();
    assert.equal(startOfLocalDay(wednesdayNoon), new Date(2026, 2, 4).getTime());
    assert.equal(startOfLocalWeek(wednesdayNoon), new Date(2026, 2, 2).getTime());
    const sunday = new Date(2026, 2, 8, 23, 0).getTime();
    assert.equal(startOfLocalWeek(sunday), new Date(2026, 2, 2).getTime());
  });
});
