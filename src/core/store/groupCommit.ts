import type { Logger } from '../logger';
import { ChangeCapture, type Captured } from './capture';
import { StoreError } from './errors';
import type { Follower } from './follower';
import { isFileAccessError } from './image';
import type { JournaledImage } from './journaledImage';
import type { SqlDb, SqlJsDb } from './sqlDb';

export interface PendingWrite {
  fn: (db: SqlDb) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface Outcome {
  ok: boolean;
  value: unknown;
}

/**
 * Runs the group in one transaction and makes it durable before COMMIT: memory never holds a committed
 * change the disk does not. A group the journal cannot carry commits first and is then written whole.
 */
export async function applyAndPersist(
  disk: JournaledImage,
  follower: Follower,
  logger: Logger,
  group: readonly PendingWrite[],
  outcomes: Outcome[],
): Promise<void> {
  const db = disk.db;
  const capture = new ChangeCapture(db);
  db.exec('BEGIN');
  let captured: Captured;
  try {
    capture.begin();
    for (const write of group) outcomes.push(applyInSavepoint(db, write.fn));
    captured = capture.finish();
  } catch (err) {
    capture.abandon();
    db.exec('ROLLBACK');
    throw err;
  }
  const changed = outcomes.some((o) => o.ok) && (captured.kind === 'image' || captured.rows > 0);
  const record = changed && captured.kind === 'rows' && !disk.needsCheckpoint ? disk.encode(captured) : undefined;
  if (record) {
    try {
      await disk.append(record);
    } catch (err) {
      db.exec('ROLLBACK');
      await disk.undoFailedAppend();
      throw err;
    }
    db.exec('COMMIT');
    if (disk.journalFull) {
      // The group is durable already; a checkpoint that fails now is retried at the next commit.
      await disk.checkpoint().catch((err: unknown) => logger.warn(`Checkpoint failed, the journal keeps growing for now: ${(err as Error).message}`));
    }
    return;
  }
  db.exec('COMMIT');
  if (!changed && !disk.needsCheckpoint) return;
  try {
    if (captured.kind === 'image') logger.info(`Writing the whole database: ${captured.reason}.`);
    else if (changed && !disk.needsCheckpoint) logger.info(`Writing the whole database: the change is larger than the journal's bound.`);
    await disk.checkpoint();
    disk.counters.persists++;
  } catch (err) {
    // Memory is ahead of the disk now: go back to what is on disk, so nothing unsaved is shown.
    disk.distrustMemory();
    await follower.catchUp({}).catch(() => undefined);
    throw err;
  }
}

/** Why a write could not build on another window's save: the file is held or not readable. */
export function unreadableError(err: unknown): unknown {
  if (err instanceof StoreError || !isFileAccessError(err)) return err;
  const code = (err as { code: string }).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'its permissions do not let FocusFlow read it (it may belong to another user), or another program is holding it'
      : 'another program, such as an antivirus or a sync tool, is holding the file';
  return new StoreError(
    'persist-failed',
    `FocusFlow could not read the database another window just saved (${code}): ${why}. Your change was not saved; check, then try again.`,
    err,
  );
}

export function applyInSavepoint(db: SqlJsDb, fn: (db: SqlDb) => unknown): { ok: boolean; value: unknown } {
  db.exec('SAVEPOINT write');
  try {
    const value = fn(db);
    if (value instanceof Promise) throw new TypeError('Store.write callbacks must be synchronous');
    db.exec('RELEASE write');
    return { ok: true, value };
  } catch (err) {
    db.exec('ROLLBACK TO write');
    db.exec('RELEASE write');
    return { ok: false, value: err };
  }
}

export function inTransaction<T>(db: SqlJsDb, fn: () => T): T {
  db.exec('BEGIN');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
