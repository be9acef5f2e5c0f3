import { utcOffsetMs } from './days';

/** A stretch of time over which the zone's offset from UTC stays the same. */
export interface OffsetSpan {
  startMs: number;
  endMs: number;
  offsetMinutes: number;
}

/** Offsets are sampled this often; zones change theirs at most a few times a year. */
const STEP_MS = 7 * 864e5;

/** The first instant in (lo, hi] whose offset differs from lo's, to the second. */
function changeBetween(lo: number, hi: number, timeZone: string): number {
  const before = utcOffsetMs(lo, timeZone);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (utcOffsetMs(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * [fromMs, toMs) cut where the zone's offset changes, so SQL can turn UTC times into local dates with
 * one fixed offset per span. Two changes within a week would be missed; no zone has had them.
 */
export function offsetSpans(fromMs: number, toMs: number, timeZone: string): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let start = fromMs;
  let offset = utcOffsetMs(start, timeZone);
  for (let probe = start + STEP_MS; start < toMs; probe += STEP_MS) {
    const at = Math.min(probe, toMs);
    if (utcOffsetMs(at, timeZone) !== offset) {
      const change = changeBetween(at - STEP_MS > start ? at - STEP_MS : start, at, timeZone);
      spans.push({ startMs: start, endMs: change, offsetMinutes: Math.round(offset / 60_000) });
      start = change;
      offset = utcOffsetMs(start, timeZone);
      probe = start;
    } else if (at === toMs) {
      spans.push({ startMs: start, endMs: toMs, offsetMinutes: Math.round(offset / 60_000) });
      start = toMs;
    }
  }
  return spans;
}
