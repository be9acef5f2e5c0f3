/** One calendar day in the user's time zone, as the UTC instants it starts and ends at. */
export interface LocalDay {
  /** YYYY-MM-DD in the time zone. */
  date: string;
  startMs: number;
  endMs: number;
}

export class TimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(`Unknown time zone "${timeZone}": use an IANA name such as Europe/Berlin or UTC.`);
    this.name = 'TimeZoneError';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new TimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time at `ms` in the zone, written as if it were a UTC instant. */
function wallClockMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** How far the zone's wall clock is ahead of UTC at `ms` (negative west of Greenwich). */
export function utcOffsetMs(ms: number, timeZone: string): number {
  return wallClockMs(ms - (ms % 1000), timeZone) - (ms - (ms % 1000));
}

function isoDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

export function localDate(ms: number, timeZone: string): string {
  return isoDate(wallClockMs(ms, timeZone));
}

/**
 * The first instant whose local date is `date` (YYYY-MM-DD). Usually local midnight; where a daylight
 * saving jump skips midnight (as in some American zones) it is the first minute after the gap.
 */
function startOfLocalDate(date: string, timeZone: string): number {
  const wallMidnight = Date.parse(`${date}T00:00:00.000Z`);
  let guess = wallMidnight;
  // Two rounds settle the offset, also when midnight sits next to an offset change.
  for (let i = 0; i < 2; i++) guess = wallMidnight - (wallClockMs(guess, timeZone) - guess);
  if (localDate(guess, timeZone) === date && localDate(guess - 1000, timeZone) < date) return guess;
  // Near a transition the guess can be off by up to the jump: search the minute the date begins.
  let lo = wallMidnight - 15 * 36e5;
  let hi = wallMidnight + 15 * 36e5;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (localDate(mid, timeZone) < date) lo = mid;
    else hi = mid;
  }
  return hi;
}

function addDays(date: string, n: number): string {
  return isoDate(Date.parse(`${date}T00:00:00.000Z`) + n * 864e5);
}

/** `count` consecutive local days ending with the day that contains `nowMs`, oldest first. */
export function lastLocalDays(nowMs: number, count: number, timeZone: string): LocalDay[] {
  const today = localDate(nowMs, timeZone);
  return localDaysBefore(addDays(today, 1), count, timeZone);
}

/** `count` consecutive local days ending the day before `date`, oldest first. */
export function localDaysBefore(date: string, count: number, timeZone: string): LocalDay[] {
  const days: LocalDay[] = [];
  let end = startOfLocalDate(date, timeZone);
  for (let i = 1; i <= count; i++) {
    const d = addDays(date, -i);
    const start = startOfLocalDate(d, timeZone);
    days.push({ date: d, startMs: start, endMs: end });
    end = start;
  }
  return days.reverse();
}

export function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Milliseconds from `nowMs` until the next local day begins. */
export function msUntilNextLocalDay(nowMs: number, timeZone: string = defaultTimeZone()): number {
  return lastLocalDays(nowMs, 1, timeZone)[0].endMs - nowMs;
}

/** Today's local date (YYYY-MM-DD) in the machine's zone. */
export function localDateToday(nowMs: number): string {
  return localDate(nowMs, defaultTimeZone());
}
