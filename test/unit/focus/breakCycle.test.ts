import assert from 'node:assert/strict';
import { nextBreakType } from '../../../src/core/focus/breakCycle';
import { startOfLocalDay, startOfLocalWeek } from '../../../src/core/focus/periods';

describe('break cycle and periods', () => {
  it('earns a long break after every N completed focus sessions', () => {
    assert.equal(nextBreakType(3, 4), 'short');
    assert.equal(nextBreakType(4, 4), 'long');
    assert.equal(nextBreakType(9, 0), 'short', '0 turns long breaks off');
  });

  it('starts days at local midnight and weeks on Monday', () => {
    const wednesdayNoon = new Date(2026, 2, 4, 12, 30).getTime();
    assert.equal(startOfLocalDay(wednesdayNoon), new Date(2026, 2, 4).getTime());
    assert.equal(startOfLocalWeek(wednesdayNoon), new Date(2026, 2, 2).getTime());
    const sundayNight = new Date(2026, 2, 8, 23, 0).getTime();
    assert.equal(startOfLocalWeek(sundayNight), new Date(2026, 2, 2).getTime());
  });
});
