import { defaultTimeZone } from '../activity/days';
import type { SqlDb } from '../store/sqlDb';
import type { SessionRow } from './sessionRows';
import { csvColumns, csvLine, exportFormats, LocalTimes, type ExportFormat, type ExportRow } from './exportFormat';

export class ExportError extends Error {
  constructor(
    readonly code: 'bad-format' | 'bad-target' | 'cancelled' | 'write-failed',
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface ExportOptions {
  format: ExportFormat;
  /** Adds `shared_with`: the teams each session was shared with. */
  includeShared?: boolean;
  timeZone?: string;
  /** Rows per chunk: one chunk is read, formatted and handed on between two turns of the event loop. */
  chunkRows?: number;
}

/** Where the text goes, chunk by chunk; the caller picks it (a file, memory in tests). */
export interface ExportSink {
  write(text: string): Promise<void>;
}

export interface ExportHooks {
  /** Lets other work run between chunks; the caller decides how (setImmediate in the extension host). */
  yieldTurn(): Promise<void>;
  /** Rows written so far and in all; throwing (e.g. on the user's cancel) stops the export. */
  progress?(written: number, total: number): void;
}

export function parseExportFormat(value: unknown): ExportFormat {
  if (typeof value === 'string' && (exportFormats as readonly string[]).includes(value.toLowerCase())) return value.toLowerCase() as ExportFormat;
  throw new ExportError('bad-format', `format must be "csv" or "json", not ${JSON.stringify(value)}.`);
}

/** The columns the export reads, with the teams a session was shared with when asked. */
type ReadRow = Pick<
  SessionRow,
  'id' | 'kind' | 'break_type' | 'label' | 'state' | 'start_time' | 'end_time' | 'planned_duration_minutes' | 'actual_duration_seconds' | 'paused_seconds'
> & { shared_with?: string | null };

// Keyset pages in start order: each chunk is one index range, however far into the history.
const pageSql = (withShared: boolean) => `
  SELECT s.id, s.kind, s.break_type, s.label, s.state, s.start_time, s.end_time, s.planned_duration_minutes,
    s.actual_duration_seconds, s.paused_seconds
    ${withShared ? `, (SELECT group_concat(coalesce(t.name, sh.team_id), '; ') FROM shared_sessions sh LEFT JOIN teams t ON t.id = sh.team_id
        WHERE sh.local_session_id = s.id AND sh.sync_status IS NOT 'failed') AS shared_with` : ''}
  FROM sessions s
  WHERE (s.start_time, s.id) > (:start, :id)
  ORDER BY s.start_time, s.id
  LIMIT :limit`;

/**
 * Writes every session on this machine, oldest first, as CSV (with a header) or a JSON array, in
 * chunks so the caller's event loop is never held for long. Returns the number of rows written.
 * `read` runs each chunk's query on the current database (the store may reload between chunks).
 */
export async function exportHistory(read: <T>(fn: (db: SqlDb) => T) => T, sink: ExportSink, options: ExportOptions, hooks: ExportHooks): Promise<number> {
  const withShared = options.includeShared === true;
  const chunkRows = options.chunkRows ?? 1000;
  const times = new LocalTimes(options.timeZone ?? defaultTimeZone());
  const bounds = read((db) => db.get<{ n: number; first: string | null; last: string | null }>('SELECT count(*) AS n, min(start_time) AS first, max(coalesce(end_time, start_time)) AS last FROM sessions'));
  const total = bounds?.n ?? 0;
  if (bounds?.first && bounds.last) times.cover(Date.parse(bounds.first), Date.parse(bounds.last));
  const columns = csvColumns(withShared);
  await sink.write(options.format === 'csv' ? `${columns.join(',')}\r\n` : '[');

  let written = 0;
  let after = { start: '', id: '' };
  for (;;) {
    const rows = read((db) => db.all<ReadRow>(pageSql(withShared), { ':start': after.start, ':id': after.id, ':limit': chunkRows }));
    if (rows.length === 0) break;
    let text = '';
    for (const r of rows) {
      const row: ExportRow = {
        id: r.id,
        kind: r.kind,
        break_type: r.break_type,
        label: r.label,
        state: r.state,
        start: times.format(r.start_time),
        end: r.end_time === null ? null : times.format(r.end_time),
        planned_minutes: r.planned_duration_minutes,
        focus_seconds: r.actual_duration_seconds,
        paused_seconds: r.paused_seconds,
        ...(withShared ? { shared_with: r.shared_with ?? '' } : {}),
      };
      text += options.format === 'csv' ? csvLine(row, columns) : `${written === 0 && text === '' ? '\n' : ',\n'}${JSON.stringify(row)}`;
    }
    await sink.write(text);
    written += rows.length;
    const last = rows[rows.length - 1];
    after = { start: last.start_time, id: last.id };
    hooks.progress?.(written, Math.max(total, written));
    await hooks.yieldTurn();
  }
  if (options.format === 'json') await sink.write(written === 0 ? ']\n' : '\n]\n');
  return written;
}
