import type { Logger } from '../logger';
import { inTransaction } from './groupCommit';
import { isFileAccessError, whileHeld } from './image';
import type { Candidate, JournaledImage } from './journaledImage';
import { migrate } from './migrate';
import type { Migration } from './migrations';
import type { StoragePort, StoredFile } from './storagePort';

/**
 * Keeps a window's image up with the files other windows write: the records they append, read from
 * the offset this window reached, and a whole reload only when the base changed (a checkpoint).
 */
export class Follower {
  /** The version of the base last found damaged or too new to take in. */
  private unusable: string | undefined;

  constructor(
    private readonly disk: JournaledImage,
    private readonly storage: StoragePort,
    private readonly logger: Logger,
    private readonly migrations: readonly Migration[],
  ) {}

  /**
   * Takes in what other windows wrote: the new journal records, or the whole base after another window
   * checkpointed (or a backup tool put a file back). With `mustRead`, changes that cannot be read for now
   * (held by an antivirus or a sync tool) or that a newer FocusFlow wrote throw instead; a base whose
   * content is damaged is still passed over, and the next save replaces it with this good copy.
   */
  async catchUp(o: { mustRead?: boolean }): Promise<boolean> {
    const plan = this.disk.plan(await this.storage.list(this.disk.baseName));
    if (plan.kind === 'none') return false;
    if (plan.kind === 'tail') {
      const bytes = await whileHeld(() => this.storage.read(this.disk.journalName, this.disk.journalBytes));
      return !!bytes && this.disk.applyTail(bytes, plan.journal);
    }
    // The poll comes back every second: a file already found unusable is not read and reported again.
    if (!o.mustRead && plan.base.version === this.unusable) return false;
    let candidate: Candidate;
    try {
      candidate = await whileHeld(() => this.disk.loadFromDisk());
    } catch (err) {
      return this.loadFailed(plan.base, o, err);
    }
    return this.takeIn(candidate, plan.base, o);
  }

  /** `catchUp` for ports that read synchronously, so that a read sees another window's write at once. */
  catchUpSync(): boolean {
    const sync = this.storage.sync!;
    const plan = this.disk.plan(sync.list(this.disk.baseName));
    if (plan.kind === 'none') return false;
    if (plan.kind === 'tail') {
      const bytes = sync.read(this.disk.journalName, this.disk.journalBytes);
      return !!bytes && this.disk.applyTail(bytes, plan.journal);
    }
    if (plan.base.version === this.unusable) return false;
    let candidate: Candidate;
    try {
      candidate = this.disk.loadFromDiskSync(plan.base, plan.journal);
    } catch (err) {
      return this.loadFailed(plan.base, {}, err);
    }
    return this.takeIn(candidate, plan.base, {});
  }

  private loadFailed(base: StoredFile, o: { mustRead?: boolean }, err: unknown): boolean {
    const held = isFileAccessError(err);
    if (o.mustRead && held) throw err;
    if (!held) {
      this.unusable = base.version;
      this.disk.skipBase(base);
    }
    this.logger.error(`Could not reload the FocusFlow database written by another window: ${(err as Error).message}`);
    return false;
  }

  private takeIn(candidate: Candidate, base: StoredFile, o: { mustRead?: boolean }): boolean {
    const db = candidate.loaded.db;
    let upgraded = false;
    try {
      // A backup or sync tool may put back an older copy of the file: bring it up to this schema (the
      // next save writes it whole). A copy a newer FocusFlow upgraded is not ours to write over.
      const { from, to } = inTransaction(db, () => migrate(db, this.migrations));
      if (from !== to) {
        upgraded = true;
        this.logger.warn(`The database file was replaced by an older copy (schema ${from}); upgraded it to schema ${to}.`);
      }
    } catch (err) {
      db.close();
      this.unusable = base.version;
      if (o.mustRead) throw err;
      this.logger.error(`Could not take in the FocusFlow database written by another window: ${(err as Error).message}`);
      return false;
    }
    this.disk.adopt(candidate);
    if (upgraded) this.disk.needsCheckpoint = true;
    return true;
  }
}
