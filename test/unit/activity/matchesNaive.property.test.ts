import * as assert from 'assert';
import fc from 'fast-check';
import { getTeamActivity, type RangeDays } from '../../../src/core/activity';
import type { Store } from '../../../src/core/store';
import { naiveActivity } from './naiveActivity';
import { insertMember, insertSession, insertTeam, openTempStore } from './seed';

// Zones with whole, half and 45-minute offsets, daylight saving on either hemisphere, a 30-minute
// daylight saving shift (Lord Howe) and one whose clocks jump at midnight (Santiago).
const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham'];
const BASE = Date.parse('2026-03-15T00:00:00.000Z');
const hours = (seconds: number) => Math.round(seconds / 36) / 100;

const sessionArb = fc.record({
  member: fc.nat({ max: 3 }),
  otherTeam: fc.boolean(),
  // Mostly spread over weeks; sometimes bunched into the last three minutes, so members' latest sessions
  // often start at the same instant (the tie "last active" has to break), not once in hundreds of runs.
  startOffsetMin: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -45 * 1440, max: 2 * 1440 }) },
    { weight: 1, arbitrary: fc.integer({ min: 2 * 1440 - 2, max: 2 * 1440 }) },
  ),
  spanMin: fc.option(fc.integer({ min: 0, max: 30 * 60 }), { nil: null }),
  pausedShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
});

describe('team activity matches a plain in-memory count', () => {
  let store: Store;
  beforeEach(async () => (store = await openTempStore()));
  afterEach(() => store.close());

  it('for random sessions, zones, ranges and moments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(sessionArb, { maxLength: 40 }),
        fc.constantFrom(...zones),
        fc.constantFrom<RangeDays>(7, 30),
        fc.integer({ min: 0, max: 40 * 1440 }),
        async (sessions, timeZone, rangeDays, nowOffsetMin) => {
          const now = BASE + nowOffsetMin * 60_000;
          const { team, users } = await store.write((db) => {
            db.exec('DELETE FROM shared_sessions; DELETE FROM members; DELETE FROM teams;');
            const team = insertTeam(db, 'Team');
            const other = insertTeam(db, 'Other');
            const users = [0, 1, 2].map((i) => insertMember(db, team, `m${i}@example.test`));
            // Member 3 of the sessions is someone who is not (or no longer) in the team.
            const outsider = insertMember(db, other, 'x@example.test');
            for (const s of sessions) {
              const start = new Date(now + s.startOffsetMin * 60_000).toISOString();
              const focus = s.spanMin === null ? null : Math.round(s.spanMin * 60 * (1 - s.pausedShare));
              const userId = s.member === 3 ? outsider : users[s.member];
              insertSession(db, { teamId: s.otherTeam ? other : team, userId, start, spanMinutes: s.spanMin, focusSeconds: focus });
            }
            return { team, users };
          });
          const got = store.read((db) => getTeamActivity(db, { teamId: team, rangeDays, now, timeZone }));
          const want = store.read((db) => naiveActivity(db, team, rangeDays, now, timeZone));
          assert.deepStrictEqual(got.days.map((d) => d.date), want.days);
          for (const user of users) {
            const m = got.members.find((x) => x.user_id === user)!;
            assert.deepStrictEqual(m.daily_hours, want.seconds.get(user)!.map(hours), `daily hours of ${m.email}`);
            assert.deepStrictEqual(m.sessions, want.sessions.get(user)!.reduce((a, b) => a + b, 0), `sessions of ${m.email}`);
            assert.strictEqual(m.streak_days, want.streaks.get(user), `streak of ${m.email}`);
            assert.strictEqual(m.last_active, want.lastActive.get(user), `last active of ${m.email}`);
          }
          assert.strictEqual(got.members.length, 3);
        },
      ),
      { numRuns: 60 },
    );
  });
});
