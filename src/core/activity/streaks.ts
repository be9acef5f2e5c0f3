import type { SqlDb } from '../store/sqlDb';
import { SPILL_LOOKBACK_MS } from './dailyFocus';
import { localDaysBefore, type LocalDay } from './days';
import { MAX_STREAK_DAYS } from './types';

/** Today plus the cap: a streak ending yesterday can reach the cap too. */
const LOOKBACK_DAYS = MAX_STREAK_DAYS + 1;

/** Earlier days are fetched in blocks: most streaks that outlast the range end within the first. */
const FIRST_BLOCK_DAYS = 30;

// For each member, the latest day of the block without focus: neither a session with focus that started
// that day nor one from the days before that ran past its midnight. One or two index probes per member
// and day, in one statement.
const latestGapSql = `
  WITH
  days AS MATERIALIZED (
    SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS day_start, json_extract(value, '$[1]') AS day_end,
      json_extract(value, '$[2]') AS spill_from
    FROM json_each(:days)),
  users AS MATERIALIZED (SELECT value AS user_id FROM json_each(:users))
  SELECT u.user_id AS user_id, max(d.i) AS gap
  FROM users u CROSS JOIN days d
  WHERE NOT EXISTS (SELECT 1 FROM shared_sessions s
      WHERE s.team_id = :team AND s.user_id = u.user_id AND s.start_time >= d.day_start AND s.start_time < d.day_end
        AND s.actual_duration_seconds > 0 AND s.sync_status IS NOT 'failed')
    AND NOT EXISTS (SELECT 1 FROM shared_sessions s
      WHERE s.team_id = :team AND s.user_id = u.user_id AND s.start_time >= d.spill_from AND s.start_time < d.day_start
        AND s.end_time > d.day_start AND s.actual_duration_seconds > 0 AND s.sync_status IS NOT 'failed')
  GROUP BY u.user_id`;

const iso = (ms: number) => new Date(ms).toISOString();

/** Per user: how many of the last days of `block` (oldest first) in a row had focus. */
function runsBack(db: SqlDb, teamId: string, block: readonly LocalDay[], users: readonly string[]): Map<string, number> {
  const days = block.map((d) => [iso(d.startMs), iso(d.endMs), iso(d.startMs - SPILL_LOOKBACK_MS)]);
  const gaps = db.all<{ user_id: string; gap: number }>(latestGapSql, {
    ':team': teamId,
    ':days': JSON.stringify(days),
    ':users': JSON.stringify(users),
  });
  const runs = new Map(users.map((u) => [u, block.length]));
  for (const { user_id, gap } of gaps) runs.set(user_id, block.length - 1 - gap);
  return runs;
}

/** Consecutive days with focus ending at the last slot of `days`; `open` when every slot had focus. */
function runEndingAt(days: readonly number[], last: number): { length: number; open: boolean } {
  let i = last;
  while (i >= 0 && days[i] > 0) i--;
  return { length: last - i, open: i < 0 };
}

/**
 * Each member's streak: consecutive local days with focus, ending today, or yesterday when today has
 * none yet (a streak is not broken before the day is over). `window` ends today and its focus is
 * known; members whose streak reaches back past it are followed into earlier days, only they.
 */
export function streakDays(
  db: SqlDb,
  teamId: string,
  window: readonly LocalDay[],
  seconds: ReadonlyMap<string, number[]>,
  timeZone: string,
): Map<string, number> {
  const streaks = new Map<string, number>();
  let open: string[] = [];
  const today = window.length - 1;
  for (const [user, days] of seconds) {
    const last = days[today] > 0 ? today : today - 1;
    const run = runEndingAt(days, last);
    streaks.set(user, run.length);
    if (run.open && run.length > 0) open.push(user);
  }

  let before = window[0].date;
  let counted = window.length;
  let blockDays = FIRST_BLOCK_DAYS;
  while (open.length > 0 && counted < LOOKBACK_DAYS) {
    const block = localDaysBefore(before, Math.min(blockDays, LOOKBACK_DAYS - counted), timeZone);
    const runs = runsBack(db, teamId, block, open);
    open = open.filter((user) => {
      const run = runs.get(user) ?? 0;
      streaks.set(user, (streaks.get(user) ?? 0) + run);
      return run === block.length;
    });
    before = block[0].date;
    counted += block.length;
    blockDays = LOOKBACK_DAYS;
  }
  for (const [user, days] of streaks) streaks.set(user, Math.min(days, MAX_STREAK_DAYS));
  return streaks;
}
