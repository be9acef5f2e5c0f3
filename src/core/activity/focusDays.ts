import type { SqlDb } from '../store/sqlDb';
import { offsetSpans } from './offsets';

// Every local date with completed focus: the day a session starts on, and the day it ends on (a second
// before its end, so one that ends at midnight does not reach into the next day). Each span of the
// history has one UTC offset, so SQLite's date() makes the local date without knowing the zone.
const focusDatesSql = `
  WITH spans AS MATERIALIZED (
    SELECT json_extract(value, '$[0]') AS span_start, json_extract(value, '$[1]') AS span_end,
      json_extract(value, '$[2]') AS shift
    FROM json_each(:spans))
  SELECT date(s.start_time, p.shift) AS day
  FROM spans p CROSS JOIN sessions s
  WHERE s.start_time >= p.span_start AND s.start_time < p.span_end AND s.kind = 'focus' AND s.state = 'completed'
    AND s.actual_duration_seconds > 0
  UNION
  SELECT date(s.end_time, p.shift, '-1 seconds') AS day
  FROM spans p CROSS JOIN sessions s
  WHERE s.start_time >= p.span_start AND s.start_time < p.span_end AND s.kind = 'focus' AND s.state = 'completed'
    AND s.actual_duration_seconds > 0
  ORDER BY day`;

const firstFocusSql = `SELECT start_time FROM sessions WHERE kind = 'focus' AND state = 'completed' ORDER BY start_time LIMIT 1`;

/** Local dates (YYYY-MM-DD, oldest first) on which the user completed focus, up to `nowMs`. */
export function focusDates(db: SqlDb, nowMs: number, timeZone: string): string[] {
  const first = db.get<{ start_time: string }>(firstFocusSql)?.start_time;
  if (!first) return [];
  const fromMs = Math.min(Date.parse(first), nowMs);
  const spans = offsetSpans(fromMs, nowMs + 1, timeZone).map((s) => [
    new Date(s.startMs).toISOString(),
    new Date(s.endMs).toISOString(),
    `${s.offsetMinutes >= 0 ? '+' : ''}${s.offsetMinutes} minutes`,
  ]);
  return db.all<{ day: string }>(focusDatesSql, { ':spans': JSON.stringify(spans) }).map((r) => r.day);
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 864e5;

/**
 * The current streak (consecutive days with focus ending today, or yesterday while today has none yet:
 * a streak is not broken before the day is over) and the longest one ever, from sorted dates.
 */
export function streaksOf(dates: readonly string[], today: string): { current: number; longest: number } {
  let longest = 0;
  let run = 0;
  let previous = Number.NaN;
  for (const date of dates) {
    const n = dayNumber(date);
    if (n > dayNumber(today)) break;
    run = n === previous + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = n;
  }
  const current = previous >= dayNumber(today) - 1 ? run : 0;
  return { current, longest };
}
