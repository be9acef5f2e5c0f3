import assert from 'node:assert/strict';
import { formatClock, formatDuration } from '../../../src/core/focus/format';

describe('focus time formatting', () => {
  it('shows countdowns as the status bar does', () => {
    assert.equal(formatClock(24 * 60 + 13), '24:13');
    assert.equal(formatClock(5), '00:05');
    assert.equal(formatClock(3600 + 5 * 60), '1:05:00');
  });

  it('shows totals as the history does', () => {
    assert.equal(formatDuration(95 * 60 + 59), '1 h 35 min');
    assert.equal(formatDuration(25 * 60), '25 min');
  });
});
