import type { SqlDb } from '../store/sqlDb';
import { LOCAL_SPILL_LOOKBACK_MS } from './localFocus';
import { lastLocalDays } from './days';
import { offsetSpans, type OffsetSpan } from './offsets';

const DAY_MS = 864e5;

// For each local day, whether it has completed focus: a session that started that day, or one from the
// days before that ran past its midnight. One or two index probes per day, all in one statement: no
// row of the history is read into JavaScript or parsed as a date.
const focusDaysSql = `
  WITH days AS MATERIALIZED (
    SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS day_start, json_extract(value, '$[1]') AS day_end,
      json_extract(value, '$[2]') AS spill_from
    FROM json_each(:days))
  SELECT d.i AS i FROM days d
  WHERE EXISTS (SELECT 1 FROM sessions s
      WHERE s.start_time >= d.day_start AND s.start_time < d.day_end AND +s.kind = 'focus' AND +s.state = 'completed'
        AND s.actual_duration_seconds > 0)
    OR EXISTS (SELECT 1 FROM sessions s
      WHERE s.start_time >= d.spill_from AND s.start_time < d.day_start AND s.end_time > d.day_start
        AND +s.kind = 'focus' AND +s.state = 'completed' AND s.actual_duration_seconds > 0)`;

const firstFocusSql = `SELECT start_time FROM sessions WHERE +kind = 'focus' AND +state = 'completed' ORDER BY start_time LIMIT 1`;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The local days from the one containing `fromMs` to the one containing `toMs`, from the zone's offset
 * spans by arithmetic (no time zone lookup per day). A day starts where the local date changes: at
 * midnight, or at a change of offset that skips midnight.
 */
export function localDaysBetween(fromMs: number, toMs: number, timeZone: string): { date: string; startMs: number; endMs: number }[] {
  const spans = offsetSpans(fromMs, toMs + 1, timeZone);
  const dayNumber = (ms: number, span: OffsetSpan) => Math.floor((ms + span.offsetMinutes * 60_000) / DAY_MS);
  const starts: { ms: number; day: number }[] = [];
  spans.forEach((span, k) => {
    const offset = span.offsetMinutes * 60_000;
    const day = dayNumber(span.startMs, span);
    // The day containing the first instant, or a change of offset that moves the date.
    if (k === 0) starts.push({ ms: day * DAY_MS - offset, day });
    else if (day !== dayNumber(span.startMs - 1, spans[k - 1])) starts.push({ ms: span.startMs, day });
    for (let midnight = (day + 1) * DAY_MS - offset; midnight < span.endMs; midnight += DAY_MS) {
      starts.push({ ms: midnight, day: Math.round((midnight + offset) / DAY_MS) });
    }
  });
  const last = spans[spans.length - 1];
  const end = (dayNumber(toMs, last) + 1) * DAY_MS - last.offsetMinutes * 60_000;
  return starts.map((s, i) => ({ date: iso(s.day * DAY_MS).slice(0, 10), startMs: s.ms, endMs: starts[i + 1]?.ms ?? end }));
}

/** Days probed on every call; the focus days before them are kept between calls. */
const RECENT_DAYS = 60;

// Sessions written since the older history was probed that started before the cut-off: rows are only
// added at the end of the rowid order, so this is one short index range, not a count of the history.
const addedBeforeSql = `SELECT count(*) AS n FROM sessions WHERE rowid > :rowid AND start_time < :cutoff`;
const lastRowidSql = `SELECT max(rowid) AS rowid FROM sessions`;

/**
 * The focus days of the older history, kept for the next repaint, per connection (the store opens a
 * new one when it takes in another window's writes). This extension only ever writes sessions that
 * start now and never deletes one, so the older days stay right while the zone, the first session and
 * the cut-off day stay the same and no session added since started before the cut-off.
 */
const older = new WeakMap<SqlDb, { key: string; rowid: number; dates: string[] }>();

type Day = { date: string; startMs: number; endMs: number };

function probe(db: SqlDb, days: readonly Day[]): string[] {
  if (days.length === 0) return [];
  const json = JSON.stringify(days.map((d) => [iso(d.startMs), iso(d.endMs), iso(d.startMs - LOCAL_SPILL_LOOKBACK_MS)]));
  return db.all<{ i: number }>(focusDaysSql, { ':days': json }).map((r) => days[r.i].date);
}

/** Local dates (YYYY-MM-DD, oldest first) on which the user completed focus, up to today. */
export function focusDates(db: SqlDb, nowMs: number, timeZone: string): string[] {
  const first = db.get<{ start_time: string }>(firstFocusSql)?.start_time;
  if (!first) return [];
  const window = lastLocalDays(nowMs, RECENT_DAYS, timeZone);
  const cutoff = window[0].startMs;
  const firstMs = Date.parse(first);
  if (firstMs >= cutoff) return probe(db, window);
  const key = `${timeZone}|${first}|${cutoff}`;
  let kept = older.get(db);
  if (kept?.key !== key || (db.get<{ n: number }>(addedBeforeSql, { ':rowid': kept.rowid, ':cutoff': iso(cutoff) })?.n ?? 0) > 0) {
    const rowid = db.get<{ rowid: number | null }>(lastRowidSql)?.rowid ?? 0;
    kept = { key, rowid, dates: probe(db, localDaysBetween(firstMs, cutoff - 1, timeZone)) };
    older.set(db, kept);
  }
  return [...kept.dates, ...probe(db, window)];
}

const dayNumberOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/**
 * The current streak (consecutive days with focus ending today, or yesterday while today has none yet:
 * a streak is not broken before the day is over) and the longest one ever, from sorted dates.
 */
export function streaksOf(dates: readonly string[], today: string): { current: number; longest: number } {
  let longest = 0;
  let run = 0;
  let previous = Number.NaN;
  for (const date of dates) {
    const n = dayNumberOf(date);
    if (n > dayNumberOf(today)) break;
    run = n === previous + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = n;
  }
  const current = previous >= dayNumberOf(today) - 1 ? run : 0;
  return { current, longest };
}
