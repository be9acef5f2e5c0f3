import type { SqlDb } from './sqlDb';

/** Free pages a base image keeps: a sixteenth of the image, at most this many bytes. */
const MAX_ROOM_BYTES = 2 << 20;

/**
 * Leaves free pages in the image before a checkpoint exports it, so that the rows the journal adds
 * after it (and replays at the next open) land in pages the image already has. sql.js keeps the
 * database in an in-memory file sized exactly to the image; the first page past its end makes it
 * copy the whole file into a larger buffer, which at 100k sessions was a 23.6 MB copy inside every
 * replay at open. SQLite takes new pages from the free list first, and an export keeps free pages.
 * The room is made by writing a zero blob into the store's own row and overwriting it again: its
 * overflow pages go to the free list. Nothing else in the image changes.
 */
export function keepRoom(db: SqlDb): void {
  const pageSize = db.get<{ page_size: number }>('PRAGMA page_size')!.page_size;
  const pages = db.get<{ page_count: number }>('PRAGMA page_count')!.page_count;
  const free = db.get<{ freelist_count: number }>('PRAGMA freelist_count')!.freelist_count;
  const wanted = Math.min(Math.floor(pages / 16), Math.floor(MAX_ROOM_BYTES / pageSize));
  if (free >= wanted) return;
  const row = db.get<{ previous: string | null }>('SELECT previous FROM store_generation WHERE id = 1');
  if (!row) return;
  db.exec('BEGIN');
  try {
    db.run('UPDATE store_generation SET previous = zeroblob(?) WHERE id = 1', [wanted * pageSize]);
    db.run('UPDATE store_generation SET previous = ? WHERE id = 1', [row.previous]);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
