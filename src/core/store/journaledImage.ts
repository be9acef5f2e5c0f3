import type { SqlJsStatic } from 'sql.js';
import type { Logger } from '../logger';
import { uuidv7 } from '../ids';
import type { Captured } from './capture';
import { ChangedColumns } from './changedColumns';
import { writeGeneration, type Generation } from './generation';
import { keepRoom } from './room';
import { decodeRecords, encodeRecord, type DecodedJournal } from './journalRecord';
import { applyInOrder, describeTail, loadState, type Loaded, type RecordState } from './replay';
import type { SqlJsDb } from './sqlDb';
import type { StoragePort, StoredFile } from './storagePort';

export interface Counters {
  /** Write groups that reached the disk (a journal append or a whole image). */
  persists: number;
  appends: number;
  checkpoints: number;
  /** Whole reloads of the base image (another window checkpointed, or a file was put back). */
  reloads: number;
  /** Records taken in from the journal after open (another window's commits). */
  recordsApplied: number;
  journalBytesRead: number;
  bytesWritten: number;
}

type Plan = { kind: 'none' } | { kind: 'tail'; journal: StoredFile } | { kind: 'reload'; base: StoredFile; journal?: StoredFile };

/**
 * The database as two files: a base image (a whole sql.js export, replaced atomically at each checkpoint)
 * and a journal beside it that grows by one self-checking record per committed write group. The state is
 * the base plus every complete record of the base's generation, in order. This class keeps the in-memory
 * image equal to that state: it appends, checkpoints, and takes in what other windows appended.
 */
export class JournaledImage {
  readonly journalName: string;
  readonly counters: Counters = { persists: 0, appends: 0, checkpoints: 0, reloads: 0, recordsApplied: 0, journalBytesRead: 0, bytesWritten: 0 };
  /** Set when memory and disk may disagree in a way only a whole reload settles. */
  private suspect = false;
  /** Set when the next write must be a whole image (no generation yet, upgraded in memory, damaged base). */
  needsCheckpoint = false;
  private generation: Generation | undefined;
  private baseVersion: string | undefined;
  private journalVersion: string | undefined;
  private offset = 0;
  private nextSeq = 1;
  private foreign: Loaded['foreign'];
  private tail: Loaded['tail'];

  constructor(
    private readonly sql: SqlJsStatic,
    private readonly storage: StoragePort,
    readonly baseName: string,
    private readonly logger: Logger,
    private readonly journalLimitBytes: number,
    public db: SqlJsDb,
  ) {
    this.journalName = `${baseName}.journal`;
  }

  /** Whether the journal has passed its size bound and the next commit should checkpoint. */
  get journalFull(): boolean {
    return this.offset >= this.journalLimitBytes;
  }

  get journalBytes(): number {
    return this.offset;
  }

  /**
   * Reads base and journal afresh into a new image (at open, and whenever another window checkpointed).
   * Nothing changes until the caller `adopt`s it (after checking its schema) or `discard`s it.
   */
  async loadFromDisk(): Promise<Candidate> {
    const listing = await this.storage.list(this.baseName);
    const base = listing.find((f) => f.name === this.baseName);
    const journal = listing.find((f) => f.name === this.journalName);
    const baseBytes = base ? await this.storage.read(this.baseName) : undefined;
    const journalBytes = journal ? await this.storage.read(this.journalName) : undefined;
    return { loaded: loadState(this.sql, baseBytes, base?.version, journalBytes), base, journal, baseFound: !!baseBytes };
  }

  /** `loadFromDisk` without awaiting, for ports with synchronous reads. */
  loadFromDiskSync(base: StoredFile, journal: StoredFile | undefined): Candidate {
    const sync = this.storage.sync!;
    const baseBytes = sync.read(this.baseName);
    return { loaded: loadState(this.sql, baseBytes, base.version, journal ? sync.read(this.journalName) : undefined), base, journal, baseFound: !!baseBytes };
  }

  /** What to read to catch up with the files as listed. */
  plan(listing: StoredFile[]): Plan {
    const base = listing.find((f) => f.name === this.baseName);
    const journal = listing.find((f) => f.name === this.journalName);
    if (!base) return { kind: 'none' };
    const journalSwapped = !!journal && this.offset > 0 && journal.version !== this.journalVersion;
    if (this.suspect || base.version !== this.baseVersion || journalSwapped || (journal?.size ?? 0) < this.offset) {
      return { kind: 'reload', base, journal };
    }
    if (journal && journal.size > this.offset) return { kind: 'tail', journal };
    return { kind: 'none' };
  }

  /** Applies the complete records of `bytes` (the journal from the offset taken in so far). */
  applyTail(bytes: Uint8Array, journal: StoredFile): boolean {
    this.counters.journalBytesRead += bytes.length;
    this.journalVersion = journal.version;
    if (this.foreign) {
      // Records of another base never apply; they are set aside under the lock.
      this.offset += bytes.length;
      return false;
    }
    const decoded = decodeRecords(bytes, this.offset);
    const applied = this.applyRecords(this.db, decoded);
    if (decoded.records.some((r) => r.legacy)) this.needsCheckpoint = true;
    new ChangedColumns(this.db).forget();
    this.counters.recordsApplied += applied;
    return applied > 0;
  }

  /**
   * Under the lock, before appending: sets aside a journal of another base and cuts off a torn or damaged
   * tail, so that the next record starts where the last good one ends.
   */
  async settleJournal(): Promise<void> {
    if (this.foreign) {
      const { records, redundant } = this.foreign;
      if (redundant) {
        this.logger.info(`Removed a journal of ${records} records that the last checkpoint already holds.`);
      } else {
        const bytes = await this.storage.read(this.journalName);
        const keptAs = `${this.journalName}.stale-${timestamp()}`;
        if (bytes) await this.storage.replace(keptAs, bytes);
        this.logger.warn(
          `The database's journal (${records} records) belongs to another version of the database file, which was replaced ` +
            `(by a backup, a sync tool, or an older FocusFlow). Its changes were not applied; it was kept as ${keptAs}.`,
        );
      }
      await this.storage.remove(this.journalName);
      this.foreign = undefined;
      this.offset = 0;
      this.journalVersion = undefined;
      return;
    }
    const journal = (await this.storage.list(this.journalName)).find((f) => f.name === this.journalName);
    if (!journal || journal.size <= this.offset) return;
    const bytes = await this.storage.read(this.journalName);
    if (!bytes || bytes.length <= this.offset) return;
    // Only what no record covers is cut: everything up to the offset was applied, and is kept.
    const reason = this.tail?.reason ?? describeTail(decodeRecords(bytes.subarray(this.offset), this.offset));
    await this.storage.replace(this.journalName, bytes.subarray(0, this.offset));
    this.journalVersion = (await this.storage.list(this.journalName)).find((f) => f.name === this.journalName)?.version;
    this.logger.warn(`Cut ${bytes.length - this.offset} bytes off the end of the database journal (${reason}); every complete commit before them is kept.`);
    this.tail = undefined;
  }

  /**
   * One group's record, or undefined when it would not fit in the journal's bound at all: then the
   * group is written as a checkpoint, which the bound would call for right after appending it anyway.
   */
  encode(captured: Extract<Captured, { kind: 'rows' }>): Uint8Array | undefined {
    const bytes = encodeRecord({ generation: this.generation!.id, base: this.baseVersion ?? '', seq: this.nextSeq, tables: captured.tables, sequences: captured.sequences });
    return bytes.length <= this.journalLimitBytes ? bytes : undefined;
  }

  /** Appends one group's record (see `encode`) and returns once it is durable. The caller has not committed yet. */
  async append(bytes: Uint8Array): Promise<void> {
    await this.storage.append(this.journalName, bytes);
    this.offset += bytes.length;
    this.nextSeq++;
    this.counters.appends++;
    this.counters.persists++;
    this.counters.bytesWritten += bytes.length;
    if (this.offset === bytes.length) {
      this.journalVersion = (await this.storage.list(this.journalName)).find((f) => f.name === this.journalName)?.version;
    }
  }

  /**
   * After a failed append: the record may be partly (or, when only fsync failed, wholly) in the file.
   * Cut the file back to the last acknowledged record so it can never surface later; if even that
   * fails, the next look reloads whatever the disk holds.
   */
  async undoFailedAppend(): Promise<void> {
    try {
      const bytes = await this.storage.read(this.journalName);
      if (bytes && bytes.length > this.offset) await this.storage.replace(this.journalName, bytes.subarray(0, this.offset));
      this.journalVersion = (await this.storage.list(this.journalName)).find((f) => f.name === this.journalName)?.version;
    } catch (err) {
      this.suspect = true;
      this.logger.error(`Could not cut a failed commit off the database journal: ${(err as Error).message}`);
    }
  }

  /**
   * Writes the whole image as a new generation and restarts the journal: export, temp file, fsync,
   * rename; then the old journal goes. A crash between the two leaves a journal the new base already
   * holds, which the base's generation row recognises as redundant.
   */
  async checkpoint(): Promise<void> {
    const next: Generation = { id: uuidv7(), previous: this.generation?.id, previousSeq: this.nextSeq - 1 };
    writeGeneration(this.db, next);
    keepRoom(this.db);
    const bytes = this.db.raw.export();
    try {
      await this.storage.replace(this.baseName, bytes);
    } catch (err) {
      if (this.generation) writeGeneration(this.db, this.generation);
      throw err;
    }
    this.counters.checkpoints++;
    this.counters.bytesWritten += bytes.length;
    this.generation = next;
    this.nextSeq = 1;
    this.offset = 0;
    this.journalVersion = undefined;
    this.needsCheckpoint = false;
    this.tail = undefined;
    this.foreign = undefined;
    try {
      await this.storage.remove(this.journalName);
    } catch (err) {
      this.logger.warn(`Could not remove the database journal after a checkpoint (${(err as Error).message}); it is redundant and goes at the next start.`);
    }
    this.baseVersion = (await this.storage.list(this.baseName)).find((f) => f.name === this.baseName)?.version;
  }

  /** After a failure that may have left memory ahead of the disk: the next look reloads from disk. */
  distrustMemory(): void {
    this.suspect = true;
  }

  /** Marks a base version as taken in without reading it (it was found damaged; the next write replaces it). */
  skipBase(base: StoredFile): void {
    this.baseVersion = base.version;
    this.needsCheckpoint = true;
  }

  /** Makes a loaded image the state. */
  adopt({ loaded, base, journal }: Candidate): void {
    if (loaded.tail) this.logger.warn(`The database journal ends in ${loaded.tail.reason} at byte ${loaded.tail.offset}; it is left out and cut off at the next write.`);
    if (this.db !== loaded.db) this.db.close();
    this.db = loaded.db;
    this.generation = loaded.generation;
    this.offset = loaded.offset;
    this.nextSeq = loaded.nextSeq;
    this.foreign = loaded.foreign;
    this.tail = loaded.tail;
    this.baseVersion = base?.version;
    this.journalVersion = journal?.version;
    this.suspect = false;
    // A journal of the first format is folded into the base rather than continued in the new one: an
    // older build reading the journal would stop at the first new record and cut the rest off.
    this.needsCheckpoint = !loaded.generation || !!loaded.legacy;
    this.counters.reloads++;
  }

  private applyRecords(db: SqlJsDb, decoded: DecodedJournal): number {
    const state: RecordState = { offset: this.offset, nextSeq: this.nextSeq, generation: this.generation, base: this.baseVersion };
    const applied = applyInOrder(db, decoded, state);
    this.offset = state.offset;
    this.nextSeq = state.nextSeq;
    return applied;
  }
}

export interface Candidate {
  loaded: Loaded;
  base: StoredFile | undefined;
  journal: StoredFile | undefined;
  baseFound: boolean;
}

export function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
