import { localDate } from '../../../src/core/activity/days';
import { MAX_STREAK_DAYS } from '../../../src/core/activity/types';
import type { SqlDb } from '../../../src/core/store';

/**
 * The same figures as getTeamActivity, worked out the obvious way: every shared session of the database
 * read into memory and each one placed on its local day(s) with Intl. It is the reference the query is
 * checked against and the baseline the benchmark compares it with.
 */
export interface NaiveActivity {
  days: string[];
  /** user → focus seconds per day of `days`. */
  seconds: Map<string, number[]>;
  sessions: Map<string, number[]>;
  streaks: Map<string, number>;
  lastActive: Map<string, string | null>;
}

interface Row {
  team_id: string;
  user_id: string;
  start_time: string;
  end_time: string | null;
  actual_duration_seconds: number | null;
}

/** The first instant after `from` whose local date differs from that of `from` (to the second). */
function nextDateChange(from: number, to: number, timeZone: string): number {
  const day = localDate(from, timeZone);
  let lo = from;
  let hi = to;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (localDate(mid, timeZone) === day) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function naiveActivity(db: SqlDb, teamId: string, rangeDays: number, now: number, timeZone: string): NaiveActivity {
  const rows = db.all<Row>(`SELECT team_id, user_id, start_time, end_time, actual_duration_seconds FROM shared_sessions WHERE sync_status IS NOT 'failed'`);
  const teamExists = db.all<{ id: string }>('SELECT id FROM teams').some((t) => t.id === teamId);
  const members = new Set(
    db
      .all<{ team_id: string; user_id: string }>('SELECT team_id, user_id FROM members')
      .filter((m) => teamExists && m.team_id === teamId)
      .map((m) => m.user_id),
  );

  // Focus seconds per user per local date, over all time.
  const byDate = new Map<string, Map<string, number>>();
  const startsByDate = new Map<string, Map<string, number>>();
  const lastActive = new Map<string, string | null>([...members].map((u) => [u, null]));
  const lastStart = new Map<string, string>();
  const add = (map: Map<string, Map<string, number>>, user: string, date: string, v: number) => {
    const m = map.get(user) ?? new Map<string, number>();
    map.set(user, m);
    m.set(date, (m.get(date) ?? 0) + v);
  };
  for (const r of rows) {
    if (r.team_id !== teamId || !members.has(r.user_id)) continue;
    const start = Date.parse(r.start_time);
    add(startsByDate, r.user_id, localDate(start, timeZone), 1);
    const active = r.end_time ?? r.start_time;
    const latest = lastStart.get(r.user_id) ?? '';
    if (latest < r.start_time || (latest === r.start_time && (lastActive.get(r.user_id) ?? '') < active)) {
      lastStart.set(r.user_id, r.start_time);
      lastActive.set(r.user_id, active);
    }
    const focus = r.actual_duration_seconds ?? 0;
    const end = r.end_time ? Date.parse(r.end_time) : start;
    if (end <= start || localDate(start, timeZone) === localDate(end, timeZone)) {
      add(byDate, r.user_id, localDate(start, timeZone), focus);
      continue;
    }
    for (let from = start; from < end; ) {
      const to = Math.min(nextDateChange(from, end, timeZone), end);
      add(byDate, r.user_id, localDate(from, timeZone), (focus * (to - from)) / (end - start));
      from = to;
    }
  }

  const dates: string[] = [];
  for (let t = now; dates.length < 400; t -= 36e5) {
    const d = localDate(t, timeZone);
    if (dates[dates.length - 1] !== d) dates.push(d);
  }
  const days = dates.slice(0, rangeDays).reverse();
  const seconds = new Map<string, number[]>();
  const sessions = new Map<string, number[]>();
  const streaks = new Map<string, number>();
  for (const user of members) {
    const focus = byDate.get(user) ?? new Map<string, number>();
    seconds.set(user, days.map((d) => focus.get(d) ?? 0));
    sessions.set(user, days.map((d) => startsByDate.get(user)?.get(d) ?? 0));
    let i = (focus.get(dates[0]) ?? 0) > 0 ? 0 : 1;
    let streak = 0;
    while (i < dates.length && (focus.get(dates[i]) ?? 0) > 0) {
      streak++;
      i++;
    }
    streaks.set(user, Math.min(streak, MAX_STREAK_DAYS));
  }
  return { days, seconds, sessions, streaks, lastActive };
}
