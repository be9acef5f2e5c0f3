import type { SqlDb } from '../store';
import { deleteSyncState, getSyncState, setSyncState } from './syncState';

/**
 * Remote records this version of FocusFlow could not read (a newer client wrote a value it does not
 * know, or the row is damaged). A pull moves its checkpoint past them, so one bad record cannot stall
 * a team's sync, but it remembers them per collection and team: the status bar says so, and another
 * version of the reader (one that may understand them) pulls that collection again from just before
 * the first of them.
 */
export interface UnreadableRecords {
  /** The checkpoint to pull from again: the last readable `updated_at` before the first unreadable record. */
  after: number;
  /** The version of FocusFlow that could not read them. */
  reader: string;
  count: number;
  /** Why the latest one could not be read. */
  reason: string;
}

const PREFIX = 'pull.unreadable.';

export function noteUnreadable(db: SqlDb, collection: string, found: UnreadableRecords): void {
  const known = readEntry(db, collection);
  const merged = known && known.reader === found.reader
    ? { ...found, after: Math.min(known.after, found.after), count: known.count + found.count }
    : found;
  setSyncState(db, PREFIX + collection, JSON.stringify(merged));
}

/** Where to pull `collection` from again because a different reader left records behind, if anywhere. */
export function rereadPoint(db: SqlDb, collection: string, reader: string): number | undefined {
  const known = readEntry(db, collection);
  return known && known.reader !== reader ? known.after : undefined;
}

/** Forgets the note of `collection`; with `unlessReader`, only one another reader left. */
export function forgetUnreadable(db: SqlDb, collection: string, o: { unlessReader?: string } = {}): void {
  if (o.unlessReader !== undefined && readEntry(db, collection)?.reader === o.unlessReader) return;
  deleteSyncState(db, PREFIX + collection);
}

export function forgetAllUnreadable(db: SqlDb): void {
  db.run('DELETE FROM sync_state WHERE key LIKE ?', [`${PREFIX}%`]);
}

/** All records left unread across collections and teams, with the reason of one of them; undefined if none. */
export function unreadableSummary(db: SqlDb): { count: number; reason: string } | undefined {
  let count = 0;
  let reason = '';
  for (const { value } of db.all<{ value: string }>('SELECT value FROM sync_state WHERE key LIKE ? ORDER BY key', [`${PREFIX}%`])) {
    const entry = parseEntry(value);
    if (!entry) continue;
    count += entry.count;
    reason = entry.reason;
  }
  return count > 0 ? { count, reason } : undefined;
}

function readEntry(db: SqlDb, collection: string): UnreadableRecords | undefined {
  const value = getSyncState(db, PREFIX + collection);
  return value === undefined ? undefined : parseEntry(value);
}

function parseEntry(value: string): UnreadableRecords | undefined {
  try {
    const v = JSON.parse(value) as Partial<UnreadableRecords>;
    if (typeof v.after !== 'number' || typeof v.reader !== 'string' || typeof v.count !== 'number' || typeof v.reason !== 'string') return undefined;
    return { after: v.after, reader: v.reader, count: v.count, reason: v.reason };
  } catch {
    return undefined;
  }
}
