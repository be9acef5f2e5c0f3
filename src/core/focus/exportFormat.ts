import { offsetSpans, type OffsetSpan } from '../activity/offsets';

export type ExportFormat = 'csv' | 'json';
export const exportFormats: readonly ExportFormat[] = ['csv', 'json'];

/** One exported session; the README documents each column. */
export interface ExportRow {
  id: string;
  kind: 'focus' | 'break';
  break_type: 'short' | 'long' | null;
  label: string | null;
  state: string;
  start: string;
  end: string | null;
  planned_minutes: number;
  focus_seconds: number | null;
  paused_seconds: number;
  /** Teams the session was shared with, by name, "; "-separated; only with shared sessions asked for. */
  shared_with?: string;
}

export const csvColumns = (withShared: boolean): (keyof ExportRow)[] => [
  'id', 'kind', 'break_type', 'label', 'state', 'start', 'end', 'planned_minutes', 'focus_seconds', 'paused_seconds',
  ...(withShared ? (['shared_with'] as const) : []),
];

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. A leading = + - @ is
 * prefixed with a quote mark so a spreadsheet shows a label as text instead of running it as a formula. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(row: ExportRow, columns: readonly (keyof ExportRow)[]): string {
  return `${columns.map((c) => csvField(row[c])).join(',')}\r\n`;
}

/**
 * UTC instants as local ISO 8601 times with their offset ("2026-03-10T17:30:00+01:00"), so a spreadsheet
 * shows the user's clock and nothing is lost. Offsets come from spans between the zone's changes, so a
 * row costs a binary search, not a time zone lookup.
 */
export class LocalTimes {
  private spans: OffsetSpan[] = [];

  constructor(private readonly timeZone: string) {}

  /** Prepares the spans for times within [fromMs, toMs). */
  cover(fromMs: number, toMs: number): void {
    this.spans = offsetSpans(fromMs, toMs + 1, this.timeZone);
  }

  format(iso: string): string {
    const ms = Date.parse(iso);
    const offset = this.offsetAt(ms);
    const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  private offsetAt(ms: number): number {
    const spans = this.spans;
    let lo = 0;
    let hi = spans.length - 1;
    if (hi < 0 || ms < spans[0].startMs || ms >= spans[hi].endMs) {
      // Outside the prepared spans (a clock set far off): ask the zone itself.
      return offsetSpans(ms, ms + 1, this.timeZone)[0].offsetMinutes;
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (spans[mid].startMs <= ms) lo = mid;
      else hi = mid - 1;
    }
    return spans[lo].offsetMinutes;
  }
}
