import type { SqlDb } from '../store/sqlDb';
import type { LocalDay } from './days';

/** Per member: focus seconds and sessions started, one slot per day of the window asked for. */
export interface DailyFocus {
  seconds: Map<string, number[]>;
  sessions: Map<string, number[]>;
}

/**
 * A session that ends after its start day spills into the next days. The pull of such sessions also
 * looks this far before the window, for a session that started earlier but runs into it. A focus
 * session is at most 24 hours long; only one paused for longer than the rest of this would be clipped.
 */
export const SPILL_LOOKBACK_MS = 3 * 864e5;

// The window's days arrive as one JSON parameter so each query keeps a single SQL text (and so a single
// cached prepared statement) whatever the range and the time zone's offset changes.
const windowCtes = `
  days AS MATERIALIZED (
    SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS day_start, json_extract(value, '$[1]') AS day_end
    FROM json_each(:days)),
  users AS MATERIALIZED (
    SELECT DISTINCT m.user_id FROM members m JOIN teams t ON t.id = m.team_id
    WHERE m.team_id = :team AND (:users IS NULL OR m.user_id IN (SELECT value FROM json_each(:users))))`;

// Sessions counted by the day they start on; the seconds of those that stay within it summed here.
// CROSS JOIN keeps the loop order users → days → index range of that member's day.
const perStartDaySql = `
  WITH ${windowCtes}
  SELECT s.user_id AS user_id, d.i AS day, count(*) AS sessions,
    total(CASE WHEN coalesce(s.end_time, s.start_time) <= d.day_end THEN s.actual_duration_seconds END) AS seconds
  FROM users u CROSS JOIN days d CROSS JOIN shared_sessions s
  WHERE s.team_id = :team AND s.user_id = u.user_id AND s.start_time >= d.day_start AND s.start_time < d.day_end
    AND s.sync_status IS NOT 'failed'
  GROUP BY s.user_id, d.i`;

// The few sessions that cross a local midnight, split in code below.
const crossingSql = `
  WITH ${windowCtes}
  SELECT s.user_id AS user_id, s.start_time AS start_time, s.end_time AS end_time,
    s.actual_duration_seconds AS seconds
  FROM users u CROSS JOIN days d CROSS JOIN shared_sessions s
  WHERE s.team_id = :team AND s.user_id = u.user_id AND s.start_time >= d.day_start AND s.start_time < d.day_end
    AND s.sync_status IS NOT 'failed'
    AND s.end_time > d.day_end AND s.actual_duration_seconds > 0`;

interface StartDayRow {
  user_id: string;
  day: number;
  sessions: number;
  seconds: number;
}

interface CrossingRow {
  user_id: string;
  start_time: string;
  end_time: string;
  seconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Focus per member per local day over `window` (consecutive days, oldest first), for the team's
 * current members (all, or only `users`). A session crossing midnight is split between the days in
 * proportion to the time it spans in each.
 */
export function dailyFocus(db: SqlDb, teamId: string, window: readonly LocalDay[], users?: readonly string[]): DailyFocus {
  const seconds = new Map<string, number[]>();
  const sessions = new Map<string, number[]>();
  const slots = (map: Map<string, number[]>, user: string) => {
    let s = map.get(user);
    if (!s) map.set(user, (s = new Array<number>(window.length).fill(0)));
    return s;
  };
  if (window.length === 0) return { seconds, sessions };

  const bounds = window.map((d) => [iso(d.startMs), iso(d.endMs)]);
  const params = { ':team': teamId, ':days': JSON.stringify(bounds), ':users': users ? JSON.stringify(users) : null };
  for (const row of db.all<StartDayRow>(perStartDaySql, params)) {
    slots(sessions, row.user_id)[row.day] += row.sessions;
    slots(seconds, row.user_id)[row.day] += row.seconds;
  }

  const first = window[0].startMs;
  const spillBounds = [[iso(first - SPILL_LOOKBACK_MS), iso(first)], ...bounds];
  const spillParams = { ...params, ':days': JSON.stringify(spillBounds) };
  for (const row of db.all<CrossingRow>(crossingSql, spillParams)) {
    const start = Date.parse(row.start_time);
    const end = Date.parse(row.end_time);
    const daySeconds = slots(seconds, row.user_id);
    window.forEach((day, i) => {
      const overlap = Math.min(end, day.endMs) - Math.max(start, day.startMs);
      if (overlap > 0) daySeconds[i] += (row.seconds * overlap) / (end - start);
    });
  }
  return { seconds, sessions };
}
