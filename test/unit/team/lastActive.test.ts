import * as assert from 'assert';
import { formatLastActive, formatSessionTime } from '../../../src/core/team/teamTreeLabels';
import { FakeClock } from '../focus/fakeClock';

describe('team tree: "last active" wording', () => {
  const cases: [string, number, string][] = [
    ['seconds ago', 30_000, 'just now'],
    ['a clock a little ahead of ours', -90_000, 'just now'],
    ['one minute', 60_000, '1 min ago'],
    ['59 minutes', 59 * 60_000, '59 min ago'],
    ['one hour', 60 * 60_000, '1 h ago'],
    ['23 h 59 min', 24 * 3600_000 - 60_000, '23 h ago'],
    ['one day', 24 * 3600_000, 'yesterday'],
    ['two days', 48 * 3600_000, '2 days ago'],
    ['29 days', 29 * 24 * 3600_000, '29 days ago'],
  ];
  for (const [what, ago, expected] of cases) {
    it(`${what} → "${expected}"`, () => {
      const clock = new FakeClock();
      const at = new Date(clock.now() - ago).toISOString();
      assert.strictEqual(formatLastActive(at, clock.now()), expected);
    });
  }

  it('names the date beyond 30 days, and moves on as the clock does', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T09:00:00.000Z'));
    const at = '2026-01-15T16:20:00.000Z';
    assert.strictEqual(formatLastActive(at, clock.now()), 'on 2026-01-15');
    const recent = new Date(clock.now() - 5 * 60_000).toISOString();
    assert.strictEqual(formatLastActive(recent, clock.now()), '5 min ago');
    clock.advanceMinutes(120);
    assert.strictEqual(formatLastActive(recent, clock.now()), '2 h ago');
  });

  it('does not invent a time for an unreadable one', () => {
    assert.strictEqual(formatLastActive('not a time', Date.now()), 'at an unknown time');
  });

  it('shows session times in the given time zone, across midnight', () => {
    const iso = '2026-03-01T23:30:00.000Z';
    assert.strictEqual(formatSessionTime(iso, 'UTC'), 'Sun 1 Mar, 23:30');
    assert.strictEqual(formatSessionTime(iso, 'Europe/Berlin'), 'Mon 2 Mar, 00:30');
    assert.strictEqual(formatSessionTime(iso, 'America/New_York'), 'Sun 1 Mar, 18:30');
  });
});
