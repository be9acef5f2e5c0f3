import type { SqlDb } from '../store/sqlDb';
import { dailyFocus } from './dailyFocus';
import { localDaysBefore, type LocalDay } from './days';

/** Streaks are counted up to a year back; a longer one shows as this many days. */
export const MAX_STREAK_DAYS = 366;

/** Consecutive days with focus ending at the last slot of `days`; `open` when every slot had focus. */
function runEndingAt(days: readonly number[], last: number): { length: number; open: boolean } {
  let i = last;
  while (i >= 0 && days[i] > 0) i--;
  return { length: last - i, open: i < 0 };
}

/**
 * Each member's streak: consecutive local days with focus, ending today, or yesterday when today has
 * none yet (a streak is not broken before the day is over). `window` ends today; members whose streak
 * reaches back past it are followed into earlier windows, only they, one query per step.
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
  let step = window.length;
  while (open.length > 0 && counted < MAX_STREAK_DAYS) {
    step = Math.min(step * 2, MAX_STREAK_DAYS - counted);
    const earlier = localDaysBefore(before, step, timeZone);
    const found = dailyFocus(db, teamId, earlier, open).seconds;
    const stillOpen: string[] = [];
    for (const user of open) {
      const run = runEndingAt(found.get(user) ?? [], earlier.length - 1);
      streaks.set(user, Math.min((streaks.get(user) ?? 0) + run.length, MAX_STREAK_DAYS));
      if (run.open) stillOpen.push(user);
    }
    open = stillOpen;
    before = earlier[0].date;
    counted += step;
  }
  return streaks;
}
