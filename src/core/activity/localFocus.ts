import type { SqlDb } from '../store/sqlDb';

/** A stretch of time (a local hour or day) as the UTC instants it starts and ends at. */
export interface Slot {
  startMs: number;
  endMs: number;
}

/**
 * A focus session on this machine can run, paused, for a long time; one that started this long before
 * the first slot and ends inside the slots still counts there. Longer ones are clipped.
 */
export const LOCAL_SPILL_LOOKBACK_MS = 3 * 864e5;

// Slots arrive as one JSON parameter so the SQL text (and its cached prepared statement) stays the same
// for every range and time zone. Only completed focus counts as focus time, as in Focus History. The
// unary + keeps SQLite off the state index: "completed" matches nearly every row, a slot few.
const slotsCte = `
  slots AS MATERIALIZED (
    SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS slot_start, json_extract(value, '$[1]') AS slot_end
    FROM json_each(:slots))`;

// Sessions counted in the slot they start in; the seconds of those that end within it summed here.
// CROSS JOIN keeps the loop order slots → index range of the slot.
const perStartSlotSql = `
  WITH ${slotsCte}
  SELECT sl.i AS slot, count(*) AS sessions,
    total(CASE WHEN s.end_time <= sl.slot_end THEN s.actual_duration_seconds END) AS seconds
  FROM slots sl CROSS JOIN sessions s
  WHERE s.start_time >= sl.slot_start AND s.start_time < sl.slot_end AND +s.kind = 'focus' AND +s.state = 'completed'
  GROUP BY sl.i`;

// The sessions that run past the end of the slot they start in, split in code below.
const crossingSql = `
  WITH ${slotsCte}
  SELECT s.start_time AS start_time, s.end_time AS end_time, s.actual_duration_seconds AS seconds
  FROM slots sl CROSS JOIN sessions s
  WHERE s.start_time >= sl.slot_start AND s.start_time < sl.slot_end AND +s.kind = 'focus' AND +s.state = 'completed'
    AND s.end_time > sl.slot_end AND s.actual_duration_seconds > 0`;

const iso = (ms: number) => new Date(ms).toISOString();

/** The last slot that starts at or before `ms` (slots are consecutive, oldest first). */
function slotAt(slots: readonly Slot[], ms: number): number {
  let lo = 0;
  let hi = slots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (slots[mid].startMs <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Completed focus on this machine per slot (consecutive, oldest first): seconds focused within each
 * slot, and sessions by the slot they started in. A session that runs across slot boundaries (an hour,
 * a midnight) counts in each by the share of its span that falls there; its paused time is spread
 * evenly, since the table keeps only the total.
 */
export function focusPerSlot(db: SqlDb, slots: readonly Slot[]): { seconds: number[]; sessions: number[] } {
  const seconds = new Array<number>(slots.length).fill(0);
  const sessions = new Array<number>(slots.length).fill(0);
  if (slots.length === 0) return { seconds, sessions };
  const bounds = slots.map((s) => [iso(s.startMs), iso(s.endMs)]);
  for (const row of db.all<{ slot: number; sessions: number; seconds: number }>(perStartSlotSql, { ':slots': JSON.stringify(bounds) })) {
    sessions[row.slot] += row.sessions;
    seconds[row.slot] += row.seconds;
  }
  const first = slots[0].startMs;
  const last = slots[slots.length - 1].endMs;
  const spillBounds = [[iso(first - LOCAL_SPILL_LOOKBACK_MS), iso(first)], ...bounds];
  for (const row of db.all<{ start_time: string; end_time: string; seconds: number }>(crossingSql, { ':slots': JSON.stringify(spillBounds) })) {
    const start = Date.parse(row.start_time);
    const end = Date.parse(row.end_time);
    const rate = row.seconds / (end - start);
    for (let i = start < first ? 0 : slotAt(slots, start); i < slots.length && slots[i].startMs < Math.min(end, last); i++) {
      const overlap = Math.min(end, slots[i].endMs) - Math.max(start, slots[i].startMs);
      if (overlap > 0) seconds[i] += overlap * rate;
    }
  }
  return { seconds, sessions };
}

/** Focus sessions started in [fromMs, toMs), by how they ended (running and paused ones are left out). */
export function outcomes(db: SqlDb, fromMs: number, toMs: number): { completed: number; cancelled: number } {
  const rows = db.all<{ state: string; n: number }>(
    `SELECT state, count(*) AS n FROM sessions
     WHERE start_time >= :from AND start_time < :to AND +kind = 'focus' AND +state IN ('completed', 'cancelled')
     GROUP BY state`,
    { ':from': iso(fromMs), ':to': iso(toMs) },
  );
  const n = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
  return { completed: n('completed'), cancelled: n('cancelled') };
}
