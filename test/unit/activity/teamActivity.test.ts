import * as assert from 'assert';
import { getTeamActivity, MAX_STREAK_DAYS, TimeZoneError, type RangeDays, type TeamActivity } from '../../../src/core/activity';
import type { Store } from '../../../src/core/store';
import { insertMember, insertSession, insertTeam, openTempStore, type SessionSeed } from './seed';

// Tuesday 10 March 2026, 15:00 UTC: 11:00 in New York (EDT since Sunday 8 March), 16:00 in Berlin.
const NOW = Date.parse('2026-03-10T15:00:00.000Z');

describe('team activity aggregation', () => {
  let store: Store;
  let team: string;
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    store = await openTempStore();
    await store.write((db) => {
      team = insertTeam(db, 'Core Team');
      alice = insertMember(db, team, 'alice@example.test', 'Owner');
      bob = insertMember(db, team, 'bob@example.test', 'Member');
    });
  });

  afterEach(() => store.close());

  const seed = (...sessions: Omit<SessionSeed, 'teamId'>[]) =>
    store.write((db) => sessions.forEach((s) => insertSession(db, { teamId: team, ...s })));
  const activity = (rangeDays: RangeDays, timeZone: string, now = NOW, teamId = team): TeamActivity =>
    store.read((db) => getTeamActivity(db, { teamId, rangeDays, now, timeZone }));
  const member = (a: TeamActivity, userId: string) => a.members.find((m) => m.user_id === userId)!;
  const hoursOn = (a: TeamActivity, date: string) => a.days.find((d) => d.date === date)?.focus_hours;

  it('puts a session on the day it happened in the user time zone, not in UTC', async () => {
    // 03:00 UTC on 10 March is still 9 March in New York (23:00 EDT) but 10 March in Berlin.
    await seed({ userId: alice, start: '2026-03-10T03:00:00.000Z', spanMinutes: 30 });
    const ny = activity(7, 'America/New_York');
    assert.strictEqual(hoursOn(ny, '2026-03-09'), 0.5);
    assert.strictEqual(hoursOn(ny, '2026-03-10'), 0);
    assert.strictEqual(ny.today.focus_hours, 0);
    const berlin = activity(7, 'Europe/Berlin');
    assert.strictEqual(hoursOn(berlin, '2026-03-10'), 0.5);
    assert.strictEqual(berlin.today.focus_hours, 0.5);
  });

  it('follows the daylight saving change instead of a fixed offset', async () => {
    // 04:30 UTC on 9 March is 00:30 EDT on 9 March; with the winter offset it would be 23:30 on the 8th.
    await seed({ userId: alice, start: '2026-03-09T04:30:00.000Z', spanMinutes: 60 });
    const ny = activity(7, 'America/New_York');
    assert.strictEqual(hoursOn(ny, '2026-03-09'), 1);
    assert.strictEqual(hoursOn(ny, '2026-03-08'), 0);
  });

  it('uses half-hour offsets such as India', async () => {
    // 18:15 UTC on 9 March is 23:45 in Kolkata; 18:45 UTC is 00:15 on the 10th.
    await seed(
      { userId: alice, start: '2026-03-09T18:00:00.000Z', spanMinutes: 15 },
      { userId: bob, start: '2026-03-09T18:45:00.000Z', spanMinutes: 15 },
    );
    const a = activity(7, 'Asia/Kolkata');
    assert.deepStrictEqual(member(a, alice).daily_hours.slice(-2), [0.25, 0]);
    assert.deepStrictEqual(member(a, bob).daily_hours.slice(-2), [0, 0.25]);
  });

  it('splits a session spanning midnight between the two days in proportion to its time in each', async () => {
    // Berlin (UTC+1): 23:30 to 00:30, all focus; and 23:00 to 01:00 with one hour paused (half the focus each side).
    await seed(
      { userId: alice, start: '2026-03-08T22:30:00.000Z', spanMinutes: 60 },
      { userId: bob, start: '2026-03-07T22:00:00.000Z', spanMinutes: 120, focusSeconds: 3600 },
    );
    const a = activity(7, 'Europe/Berlin');
    assert.strictEqual(hoursOn(a, '2026-03-08'), 0.5 + 0.5);
    assert.strictEqual(hoursOn(a, '2026-03-09'), 0.5);
    assert.strictEqual(hoursOn(a, '2026-03-07'), 0.5);
    // Counted once, on the day it started.
    assert.strictEqual(member(a, alice).sessions, 1);
    assert.strictEqual(a.days.find((d) => d.date === '2026-03-08')!.sessions, 1);
    assert.strictEqual(a.total_sessions, 2);
    assert.strictEqual(a.total_focus_hours, 2);
  });

  it('counts the part of a session that started before the range and runs into its first day', async () => {
    // Range of 7 days in UTC starts 4 March 00:00; this session runs 3 March 23:00 to 4 March 01:00.
    await seed({ userId: alice, start: '2026-03-03T23:00:00.000Z', spanMinutes: 120 });
    const a = activity(7, 'UTC');
    assert.strictEqual(a.days[0].date, '2026-03-04');
    assert.strictEqual(a.days[0].focus_hours, 1);
    assert.strictEqual(a.total_focus_hours, 1);
    assert.strictEqual(a.total_sessions, 0, 'the session started before the range');
  });

  it('covers 7 or 30 days including today, and the week figures stay the last 7 days', async () => {
    await seed(
      { userId: alice, start: '2026-03-10T09:00:00.000Z', spanMinutes: 30 }, // today
      { userId: alice, start: '2026-03-04T00:00:00.000Z', spanMinutes: 60 }, // first day of the 7
      { userId: alice, start: '2026-03-03T23:59:00.000Z', spanMinutes: 1 }, // one day too early for 7
      { userId: bob, start: '2026-02-09T00:00:00.000Z', spanMinutes: 90 }, // first day of the 30
      { userId: bob, start: '2026-02-08T12:00:00.000Z', spanMinutes: 90 }, // outside both
    );
    const week = activity(7, 'UTC');
    assert.deepStrictEqual([week.days.length, week.days[0].date, week.days[6].date], [7, '2026-03-04', '2026-03-10']);
    assert.strictEqual(week.total_sessions, 2);
    assert.strictEqual(week.total_focus_hours, 1.5);
    const month = activity(30, 'UTC');
    assert.deepStrictEqual([month.days.length, month.days[0].date, month.days[29].date], [30, '2026-02-09', '2026-03-10']);
    assert.strictEqual(month.total_sessions, 4);
    // 0.5 + 1 + 1/60 + 1.5 hours, shown to the hundredth.
    assert.strictEqual(month.total_focus_hours, 3.02);
    assert.deepStrictEqual(month.week, week.week);
    assert.deepStrictEqual(week.week, { focus_hours: 1.5, sessions: 2 });
    assert.deepStrictEqual(month.today, { date: '2026-03-10', focus_hours: 0.5, sessions: 1, members_focused: 1 });
  });

  it('lists members without sessions with zeros, and last activity only for those who shared', async () => {
    await seed({ userId: alice, start: '2026-03-10T09:00:00.000Z', spanMinutes: 25 });
    const a = activity(7, 'UTC');
    assert.deepStrictEqual(
      a.members.map((m) => [m.email, m.role, m.sessions, m.focus_hours]),
      [
        ['alice@example.test', 'Owner', 1, 0.42],
        ['bob@example.test', 'Member', 0, 0],
      ],
    );
    const b = member(a, bob);
    assert.deepStrictEqual([b.last_active, b.streak_days, b.today_hours, b.daily_hours], [null, 0, 0, [0, 0, 0, 0, 0, 0, 0]]);
    assert.strictEqual(member(a, alice).last_active, '2026-03-10T09:25:00.000Z');
  });

  it('shows a running session as activity at its start, with no focus counted yet', async () => {
    await seed({ userId: bob, start: '2026-03-10T14:40:00.000Z', spanMinutes: null });
    const a = activity(7, 'UTC');
    assert.strictEqual(member(a, bob).last_active, '2026-03-10T14:40:00.000Z');
    assert.strictEqual(member(a, bob).sessions, 1);
    assert.strictEqual(a.total_focus_hours, 0);
  });

  it('of two sessions started at the same instant, last activity is the later end, whatever their order', async () => {
    await seed({ userId: alice, start: '2026-03-10T09:00:00.000Z', spanMinutes: 50 });
    await seed({ userId: alice, start: '2026-03-10T09:00:00.000Z', spanMinutes: 10 });
    await seed({ userId: bob, start: '2026-03-10T09:00:00.000Z', spanMinutes: 10 });
    await seed({ userId: bob, start: '2026-03-10T09:00:00.000Z', spanMinutes: 50 });
    const a = activity(7, 'UTC');
    assert.strictEqual(member(a, alice).last_active, '2026-03-10T09:50:00.000Z');
    assert.strictEqual(member(a, bob).last_active, '2026-03-10T09:50:00.000Z');
  });

  it('leaves out other teams, people who left the team, and a team that is gone', async () => {
    let other = '';
    let carol = '';
    await store.write((db) => {
      other = insertTeam(db, 'Other Team');
      insertMember(db, other, 'alice@example.test', 'Member', alice);
      carol = insertMember(db, team, 'carol@example.test');
      insertSession(db, { teamId: other, userId: alice, start: '2026-03-10T10:00:00.000Z', spanMinutes: 120 });
      insertSession(db, { teamId: team, userId: carol, start: '2026-03-10T10:00:00.000Z', spanMinutes: 60 });
      insertSession(db, { teamId: team, userId: alice, start: '2026-03-10T08:00:00.000Z', spanMinutes: 30 });
      // Carol leaves: her membership goes, her synced rows may stay behind.
      db.run('DELETE FROM members WHERE user_id = ? AND team_id = ?', [carol, team]);
    });
    const a = activity(7, 'UTC');
    assert.deepStrictEqual(a.members.map((m) => m.email).sort(), ['alice@example.test', 'bob@example.test']);
    assert.strictEqual(a.total_focus_hours, 0.5);
    assert.strictEqual(activity(7, 'UTC', NOW, other).total_focus_hours, 2);

    await store.write((db) => db.run('DELETE FROM teams WHERE id = ?', [team]));
    const gone = activity(7, 'UTC');
    assert.deepStrictEqual([gone.team_name, gone.members.length, gone.total_sessions], [null, 0, 0]);
  });

  it('leaves out shares the server refused: the team never saw them', async () => {
    await seed({ userId: alice, start: '2026-03-09T10:00:00.000Z', spanMinutes: 30 }, { userId: alice, start: '2026-03-10T10:00:00.000Z', spanMinutes: 60 });
    await store.write((db) => db.run(`UPDATE shared_sessions SET sync_status = 'failed' WHERE start_time = '2026-03-10T10:00:00.000Z'`));
    const a = activity(7, 'UTC');
    assert.deepStrictEqual([a.total_sessions, a.total_focus_hours, hoursOn(a, '2026-03-10')], [1, 0.5, 0]);
    assert.strictEqual(member(a, alice).last_active, '2026-03-09T10:30:00.000Z');
    assert.strictEqual(member(a, alice).streak_days, 1, 'yesterday only: the refused session does not make today a focus day');
  });

  it('counts streaks ending today, or yesterday when today has no focus yet', async () => {
    const day = (d: number, h = 9) => new Date(Date.parse('2026-03-10T00:00:00.000Z') - d * 864e5 + h * 36e5).toISOString();
    await seed(
      ...[0, 1, 2, 3, 5].map((d) => ({ userId: alice, start: day(d), spanMinutes: 25 })),
      ...[1, 2].map((d) => ({ userId: bob, start: day(d), spanMinutes: 25 })),
    );
    const a = activity(7, 'UTC');
    assert.strictEqual(member(a, alice).streak_days, 4);
    assert.strictEqual(member(a, bob).streak_days, 2);
    // Two days later neither focused yesterday or today: both streaks are over.
    const later = activity(7, 'UTC', NOW + 2 * 864e5);
    assert.deepStrictEqual([member(later, alice).streak_days, member(later, bob).streak_days], [0, 0]);
  });

  it('follows a streak back beyond the chosen range', async () => {
    const days = Array.from({ length: 75 }, (_, d) => d);
    await seed(...days.map((d) => ({ userId: alice, start: new Date(NOW - d * 864e5 - 36e5).toISOString(), spanMinutes: 25 })));
    assert.strictEqual(member(activity(7, 'UTC'), alice).streak_days, 75);
    assert.strictEqual(member(activity(30, 'Asia/Tokyo'), alice).streak_days, 75);
  });

  it('ends a long streak at its first missing day, and counts a day reached only by a session from the night before', async () => {
    const midday = (d: number) => new Date(Date.parse('2026-03-10T12:00:00.000Z') - d * 864e5).toISOString();
    const focusDays = Array.from({ length: 60 }, (_, d) => d).filter((d) => d !== 45 && d !== 20);
    await seed(
      ...focusDays.map((d) => ({ userId: bob, start: midday(d), spanMinutes: 25 })),
      // Day 20 (18 February) has no session of its own, only the end of one from 23:30 the evening before.
      { userId: bob, start: '2026-02-17T23:30:00.000Z', spanMinutes: 60 },
    );
    assert.strictEqual(member(activity(7, 'UTC'), bob).streak_days, 45);
    assert.strictEqual(member(activity(30, 'UTC'), bob).streak_days, 45);
  });

  it('stops counting a streak at the cap, also when it ends yesterday', async () => {
    const days = Array.from({ length: MAX_STREAK_DAYS + 20 }, (_, d) => d + 1);
    await seed(...days.map((d) => ({ userId: alice, start: new Date(NOW - d * 864e5).toISOString(), spanMinutes: 25 })));
    assert.strictEqual(member(activity(7, 'UTC'), alice).streak_days, MAX_STREAK_DAYS);
  });

  it('refuses an unknown time zone with a message naming it', () => {
    assert.throws(() => activity(7, 'Mars/Olympus_Mons'), (e: unknown) => e instanceof TimeZoneError && /Mars\/Olympus_Mons/.test(e.message));
  });
});
