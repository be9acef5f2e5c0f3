import type { Logger } from '../logger';
import { assertJournalable } from './capture';
import { StoreError } from './errors';
import { inTransaction } from './groupCommit';
import { isFileAccessError, whileHeld } from './image';
import { timestamp, type Candidate, type JournaledImage } from './journaledImage';
import { migrate } from './migrate';
import type { Migration } from './migrations';
import type { StoragePort } from './storagePort';

export interface Recovered {
  movedTo: string;
  reason: string;
}

/**
 * Under the lock at open: loads base + journal, moves a damaged base aside, brings the schema up to
 * date, settles the journal's tail, and checkpoints when the image is new or upgraded (the journal
 * carries rows, not schema changes).
 */
export async function loadAtOpen(
  disk: JournaledImage,
  storage: StoragePort,
  file: string,
  logger: Logger,
  migrations: readonly Migration[],
): Promise<Recovered | undefined> {
  const baseName = disk.baseName;
  let recovered: Recovered | undefined;
  let candidate: Candidate;
  try {
    candidate = await whileHeld(() => disk.loadFromDisk());
  } catch (err) {
    // A file that cannot be opened is not a damaged one: moving it aside would hide the history.
    if (isFileAccessError(err)) {
      throw new StoreError(
        'unwritable',
        `FocusFlow cannot read its database ${file} (${(err as { code: string }).code}); another program may be holding it. Close it or wait, then reload the window.`,
        err,
      );
    }
    const suffix = `.corrupt-${timestamp()}`;
    const movedTo = `${file}${suffix}`;
    const bytes = await storage.read(baseName);
    if (bytes) await storage.replace(`${baseName}${suffix}`, bytes);
    await storage.remove(baseName);
    recovered = { movedTo, reason: (err as Error).message };
    logger.warn(`Database could not be read (${recovered.reason}); moved it to ${movedTo} and started a new one.`);
    candidate = await disk.loadFromDisk();
  }
  const db = candidate.loaded.db;
  let from: number, to: number;
  try {
    ({ from, to } = inTransaction(db, () => migrate(db, migrations)));
    assertJournalable(db);
  } catch (err) {
    db.close();
    throw err;
  }
  disk.adopt(candidate);
  await disk.settleJournal();
  // A new schema is written as a whole image: the journal carries rows, not schema changes.
  if (from !== to || !candidate.baseFound || disk.needsCheckpoint) {
    await disk.checkpoint();
    if (from !== to) logger.info(`Database schema ${from} → ${to} at ${file}`);
  }
  return recovered;
}
