import * as assert from 'assert';
import { focusMinutesToday, getPersonalActivity } from '../../../src/core/activity';
import { lastLocalDays } from '../../../src/core/activity/days';
import { localDaysBetween } from '../../../src/core/activity/focusDays';
import type { Store, SqlDb } from '../../../src/core/store';
import { insertLocalSession, seedLocalHistory } from './localSeed';
import { openTempStore } from './seed';

type Seed = Parameters<typeof insertLocalSession>[1];

async function storeWith(seeds: Seed[]): Promise<Store> {
  const store = await openTempStore();
  await store.write((db) => seeds.forEach((s) => insertLocalSession(db, s)));
  return store;
}

const minutesOf = (hours: number) => Math.round(hours * 60);

describe('personal activity (the "You" page) from the local sessions', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('counts a session across local midnight on both days by its minutes, and its start day for the session count', async () => {
    // 23:30 to 00:30 in Berlin (UTC+1 in March): 22:30Z to 23:30Z.
    store = await storeWith([{ start: '2026-03-09T22:30:00.000Z', spanMinutes: 60 }]);
    const a = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse('2026-03-10T12:00:00Z'), timeZone: 'Europe/Berlin' }));
    const [monday, tuesday] = a.days.slice(-2);
    assert.deepStrictEqual([monday.date, minutesOf(monday.focus_hours), monday.sessions], ['2026-03-09', 30, 1]);
    assert.deepStrictEqual([tuesday.date, minutesOf(tuesday.focus_hours), tuesday.sessions], ['2026-03-10', 30, 0]);
    assert.strictEqual(a.today.focus_minutes, 30);
    assert.strictEqual(a.streak.current, 2, 'both days have focus');
    // The same UTC hour is one day in Tokyo: 07:30 to 08:30 on the 10th.
    const tokyo = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse('2026-03-10T12:00:00Z'), timeZone: 'Asia/Tokyo' }));
    assert.deepStrictEqual(tokyo.days.map((d) => minutesOf(d.focus_hours)), [0, 0, 0, 0, 0, 0, 60]);
    assert.strictEqual(tokyo.heatmap[1][7] + tokyo.heatmap[1][8], 60, 'Tuesday 07:30–08:30 in the heatmap');
    assert.deepStrictEqual([tokyo.heatmap[1][7], tokyo.heatmap[1][8]], [30, 30]);
  });

  it('keeps the hours right on the day clocks spring forward and fall back (New York)', async () => {
    store = await storeWith([
      // 8 March 2026, 01:30 EST to 03:30 EDT: one real hour, across the skipped 02:00–03:00.
      { start: '2026-03-08T06:30:00.000Z', spanMinutes: 60 },
      // 1 November 2026, 01:10 EDT to 01:40 EST: the hour that happens twice, 90 real minutes.
      { start: '2026-11-01T05:10:00.000Z', spanMinutes: 90 },
    ]);
    const spring = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse('2026-03-09T15:00:00Z'), timeZone: 'America/New_York' }));
    assert.deepStrictEqual(spring.days.slice(-2).map((d) => [d.date, minutesOf(d.focus_hours)]), [['2026-03-08', 60], ['2026-03-09', 0]]);
    // Sunday is weekday 6: half an hour at 01, half an hour at 03, nothing at the hour that did not exist.
    assert.deepStrictEqual(spring.heatmap[6].slice(0, 5), [0, 30, 0, 30, 0]);

    const autumn = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse('2026-11-01T20:00:00Z'), timeZone: 'America/New_York' }));
    assert.strictEqual(autumn.today.date, '2026-11-01');
    assert.strictEqual(autumn.today.focus_minutes, 90);
    assert.strictEqual(autumn.heatmap[6][1], 90, 'both 01:00 hours are the 1 o\'clock hour');
  });

  it('places days by the chosen zone: the same sessions fall on other dates in Kolkata and Los Angeles', async () => {
    store = await storeWith([{ start: '2026-03-10T20:00:00.000Z', spanMinutes: 45 }]);
    const now = Date.parse('2026-03-11T10:00:00Z');
    const kolkata = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now, timeZone: 'Asia/Kolkata' }));
    const la = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now, timeZone: 'America/Los_Angeles' }));
    // 01:30 to 02:15 on the 11th in Kolkata (UTC+5:30); 13:00 to 13:45 on the 10th in Los Angeles (UTC-7).
    assert.deepStrictEqual(kolkata.days.filter((d) => d.focus_hours > 0).map((d) => d.date), ['2026-03-11']);
    assert.deepStrictEqual(la.days.filter((d) => d.focus_hours > 0).map((d) => d.date), ['2026-03-10']);
    assert.strictEqual(kolkata.heatmap[2][1] + kolkata.heatmap[2][2], 45);
    assert.strictEqual(la.heatmap[1][13], 45);
  });

  it('counts completed focus only as focus time, and shows completed versus cancelled', async () => {
    store = await storeWith([
      { start: '2026-03-10T08:00:00.000Z', spanMinutes: 25 },
      { start: '2026-03-10T09:00:00.000Z', spanMinutes: 10, state: 'cancelled' },
      { start: '2026-03-10T10:00:00.000Z', spanMinutes: 5, kind: 'break' },
      { start: '2026-03-10T11:00:00.000Z', spanMinutes: 40, focusSeconds: 30 * 60 },
    ]);
    const a = store.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse('2026-03-10T18:00:00Z'), timeZone: 'UTC', goalMinutes: 60 }));
    assert.deepStrictEqual(a.today, { date: '2026-03-10', focus_minutes: 55, sessions: 2 });
    assert.deepStrictEqual(a.outcomes, { completed: 2, cancelled: 1 });
    assert.strictEqual(a.goal_minutes, 60);
    assert.strictEqual(store.read((db) => focusMinutesToday(db, Date.parse('2026-03-10T18:00:00Z'), 'UTC')), 55);
  });

  it('finds the current streak (kept through a today without focus yet) and the longest one ever', async () => {
    const day = (d: string) => ({ start: `${d}T09:00:00.000Z`, spanMinutes: 25 });
    store = await storeWith([
      // A five-day run long ago, far outside any range.
      ...['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05'].map(day),
      // A cancelled session does not keep a streak going.
      { start: '2026-03-06T09:00:00.000Z', spanMinutes: 25, state: 'cancelled' },
      ...['2026-03-07', '2026-03-08', '2026-03-09'].map(day),
    ]);
    const read = (now: string) => store!.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse(now), timeZone: 'UTC' }).streak);
    assert.deepStrictEqual(read('2026-03-10T08:00:00Z'), { current: 3, longest: 5 }, 'today has no focus yet: yesterday still counts');
    assert.deepStrictEqual(read('2026-03-11T08:00:00Z'), { current: 0, longest: 5 }, 'a whole day without focus ends it');
    assert.deepStrictEqual(read('2026-03-09T20:00:00Z'), { current: 3, longest: 5 });
  });

  it('takes in a session added to the older history, which is kept between repaints', async () => {
    const day = (d: string) => ({ start: `${d}T09:00:00.000Z`, spanMinutes: 25 });
    store = await storeWith(['2025-01-01', '2025-01-02', '2025-01-04', '2025-01-05', '2026-03-10'].map(day));
    const read = () => store!.read((db) => getPersonalActivity(db, { rangeDays: 7, now: Date.parse('2026-03-10T12:00:00Z'), timeZone: 'UTC' }).streak);
    assert.deepStrictEqual(read(), { current: 1, longest: 2 });
    await store.write((db) => insertLocalSession(db, day('2025-01-03')));
    assert.deepStrictEqual(read(), { current: 1, longest: 5 });
  });

  it('is empty but whole with no sessions at all', async () => {
    store = await storeWith([]);
    const a = store.read((db) => getPersonalActivity(db, { rangeDays: 30, now: Date.parse('2026-03-10T18:00:00Z'), timeZone: 'Europe/Berlin' }));
    assert.strictEqual(a.days.length, 30);
    assert.strictEqual(a.total_sessions, 0);
    assert.deepStrictEqual(a.streak, { current: 0, longest: 0 });
    assert.strictEqual(a.heatmap.flat().reduce((x, y) => x + y, 0), 0);
  });

  it('finds the same local days by offset arithmetic as by asking the zone, across two years of changes', () => {
    const now = Date.parse('2026-11-15T12:00:00Z');
    // Havana and Santiago move their clocks at midnight, so a day there can start at 01:00.
    for (const timeZone of ['Europe/Berlin', 'America/New_York', 'America/Havana', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC']) {
      const expected = lastLocalDays(now, 730, timeZone);
      const actual = localDaysBetween(expected[0].startMs + 5 * 36e5, now, timeZone);
      assert.deepStrictEqual(actual, expected, timeZone);
    }
  });

  for (const timeZone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland']) {
    it(`matches a plain computation over every row, over a year of history across DST (${timeZone})`, async () => {
      const now = Date.parse('2026-04-02T13:17:00Z');
      const history = await openTempStore();
      store = history;
      await history.write((db) => seedLocalHistory(db, { sessions: 1500, now }));
      for (const rangeDays of [7, 30] as const) {
        const a = history.read((db) => getPersonalActivity(db, { rangeDays, now, timeZone }));
        const expected = history.read((db) => naivePersonal(db, a.days.map((d) => d.date), now, timeZone));
        // Hours are kept to two decimals (36 seconds).
        a.days.forEach((d, i) => assert.ok(Math.abs(d.focus_hours * 60 - expected.minutes[i]) <= 0.6, `${d.date}: ${d.focus_hours * 60} vs ${expected.minutes[i]} min`));
        assert.deepStrictEqual(a.days.map((d) => d.sessions), expected.sessions);
        assert.deepStrictEqual(a.streak, expected.streak);
        assert.deepStrictEqual(a.outcomes, expected.outcomes);
      }
    });
  }
});

/** The same figures the slow, obvious way: every row into JavaScript, local dates from Intl. */
function naivePersonal(db: SqlDb, dates: string[], now: number, timeZone: string) {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const dateOf = (ms: number) => format.format(ms);
  const rows = db.all<{ start_time: string; end_time: string; seconds: number; state: string; kind: string }>(
    'SELECT start_time, end_time, actual_duration_seconds AS seconds, state, kind FROM sessions',
  );
  const minutes = dates.map(() => 0);
  const sessions = dates.map(() => 0);
  const focusDays = new Set<string>();
  const outcomes = { completed: 0, cancelled: 0 };
  for (const r of rows) {
    if (r.kind !== 'focus') continue;
    const start = Date.parse(r.start_time);
    const end = Date.parse(r.end_time);
    const startDay = dates.indexOf(dateOf(start));
    if (startDay >= 0 && r.state in outcomes) outcomes[r.state as 'completed']++;
    if (r.state !== 'completed' || start > now) continue;
    if (startDay >= 0) sessions[startDay]++;
    if (r.seconds <= 0) continue;
    // Minute by minute, a minute with a midnight in it cut at the exact second: slow, but plainly right
    // about midnight and DST.
    for (let t = start; t < end; ) {
      let step = Math.min(60_000, end - t);
      if (dateOf(t + step - 1) !== dateOf(t)) {
        let lo = t;
        let hi = t + step - 1;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (dateOf(mid) === dateOf(t)) lo = mid;
          else hi = mid;
        }
        step = hi - t;
      }
      const i = dates.indexOf(dateOf(t));
      focusDays.add(dateOf(t));
      if (i >= 0) minutes[i] += (step / (end - start)) * (r.seconds / 60);
      t += step;
    }
  }
  const sorted = [...focusDays].sort();
  const today = dates[dates.length - 1];
  let longest = 0;
  let run = 0;
  let prev = '';
  const next = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 864e5).toISOString().slice(0, 10);
  for (const d of sorted) {
    if (d > today) break;
    run = prev && next(prev) === d ? run + 1 : 1;
    longest = Math.max(longest, run);
    prev = d;
  }
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 864e5).toISOString().slice(0, 10);
  return { minutes, sessions, streak: { current: prev === today || prev === yesterday ? run : 0, longest }, outcomes };
}
