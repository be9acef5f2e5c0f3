import type { SqlDb } from './sqlDb';

/**
 * Which checkpoint a base image is. It lives inside the image, so the image and its generation are
 * replaced by one rename; journal records name the generation they apply to. `previous` and
 * `previous_seq` say which records the checkpoint already folded in, so a journal left behind by a crash
 * between the image's rename and the journal's removal is known to be redundant, not lost work.
 * A table of the store's own rather than a migration: older FocusFlow versions keep opening the file.
 */
export interface Generation {
  id: string;
  previous?: string;
  previousSeq?: number;
}

export function readGeneration(db: SqlDb): Generation | undefined {
  if (!db.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_generation'")) return undefined;
  const row = db.get<{ generation: string; previous: string | null; previous_seq: number | null }>(
    'SELECT generation, previous, previous_seq FROM store_generation WHERE id = 1',
  );
  return row ? { id: row.generation, previous: row.previous ?? undefined, previousSeq: row.previous_seq ?? undefined } : undefined;
}

export function writeGeneration(db: SqlDb, generation: Generation): void {
  db.exec(`CREATE TABLE IF NOT EXISTS store_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation TEXT NOT NULL,
    previous TEXT, previous_seq INTEGER)`);
  db.run('INSERT OR REPLACE INTO store_generation (id, generation, previous, previous_seq) VALUES (1, ?, ?, ?)', [
    generation.id,
    generation.previous ?? null,
    generation.previousSeq ?? null,
  ]);
}
