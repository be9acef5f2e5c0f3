import type { SqlDb } from '../store/sqlDb';
import { defaultTimeZone, lastLocalDays, utcOffsetMs, type LocalDay } from './days';
import { focusDates, streaksOf } from './focusDays';
import { focusPerSlot, outcomes, type Slot } from './localFocus';
import { HEATMAP_WEEKS, type PersonalActivity, type PersonalActivityQuery } from './personalTypes';

interface HourSlot extends Slot {
  day: number;
  weekday: number;
  hour: number;
}

const HOUR_MS = 36e5;

/** Monday = 0, as ISO 8601 weeks start. */
const weekdayOf = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/** Every local hour of `days`: a day with a daylight saving change has 23 or 25 of them. */
function hourSlots(days: readonly LocalDay[], timeZone: string): HourSlot[] {
  const slots: HourSlot[] = [];
  days.forEach((d, day) => {
    const weekday = weekdayOf(d.date);
    const steady = utcOffsetMs(d.startMs, timeZone) === utcOffsetMs(d.endMs - 1, timeZone);
    for (let start = d.startMs; start < d.endMs; start += HOUR_MS) {
      const hour = steady ? (start - d.startMs) / HOUR_MS : Math.floor((((start + utcOffsetMs(start, timeZone)) % 864e5) + 864e5) % 864e5 / HOUR_MS);
      slots.push({ startMs: start, endMs: Math.min(start + HOUR_MS, d.endMs), day, weekday, hour: Math.floor(hour) });
    }
  });
  return slots;
}

const hours = (seconds: number) => Math.round(seconds / 36) / 100;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The user's own focus over the last `rangeDays` local days (today included), from the sessions on
 * this machine: per day, today, streaks, completed versus cancelled, and when in the week they focus.
 * Everything is summed in SQL per local hour; only sessions that cross an hour come back as rows.
 */
export function getPersonalActivity(db: SqlDb, query: PersonalActivityQuery): PersonalActivity {
  const timeZone = query.timeZone ?? defaultTimeZone();
  const now = query.now ?? Date.now();
  const heatDays = HEATMAP_WEEKS * 7;
  const span = Math.max(query.rangeDays, heatDays);
  const allDays = lastLocalDays(now, span, timeZone);
  const slots = hourSlots(allDays, timeZone);
  const focus = focusPerSlot(db, slots);

  const daySeconds = new Array<number>(span).fill(0);
  const daySessions = new Array<number>(span).fill(0);
  const heatmap = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  slots.forEach((slot, i) => {
    daySeconds[slot.day] += focus.seconds[i];
    daySessions[slot.day] += focus.sessions[i];
    if (slot.day >= span - heatDays) heatmap[slot.weekday][slot.hour] += focus.seconds[i] / 60;
  });

  const first = span - query.rangeDays;
  const rangeDays = allDays.slice(first);
  const seconds = daySeconds.slice(first);
  const sessions = daySessions.slice(first);
  const today = rangeDays.length - 1;
  const week = rangeDays.length - 7;
  return {
    range_days: query.rangeDays,
    time_zone: timeZone,
    as_of: new Date(now).toISOString(),
    days: rangeDays.map((d, i) => ({ date: d.date, focus_hours: hours(seconds[i]), sessions: sessions[i] })),
    today: { date: rangeDays[today].date, focus_minutes: Math.round(seconds[today] / 60), sessions: sessions[today] },
    week: { focus_hours: hours(sum(seconds.slice(week))), sessions: sum(sessions.slice(week)) },
    total_focus_hours: hours(sum(seconds)),
    total_sessions: sum(sessions),
    outcomes: outcomes(db, rangeDays[0].startMs, rangeDays[today].endMs),
    streak: streaksOf(focusDates(db, now, timeZone), rangeDays[today].date),
    goal_minutes: query.goalMinutes && query.goalMinutes > 0 ? Math.floor(query.goalMinutes) : 0,
    heatmap: heatmap.map((row) => row.map((m) => Math.round(m))),
  };
}

/** Completed focus minutes today (a session that began yesterday counts by its minutes after midnight). */
export function focusMinutesToday(db: SqlDb, now: number, timeZone: string = defaultTimeZone()): number {
  const [today] = lastLocalDays(now, 1, timeZone);
  return Math.round(focusPerSlot(db, [today]).seconds[0] / 60);
}
