import type { SqlJsStatic } from 'sql.js';
import type { Logger } from '../logger';
import { Emitter, type Event } from '../events';
import { StoreError } from './errors';
import { Follower } from './follower';
import { applyAndPersist, unreadableError, type Outcome, type PendingWrite } from './groupCommit';
import { loadAtOpen, type Recovered } from './openFiles';
import { JournaledImage, type Counters } from './journaledImage';
import { migrations as allMigrations, type Migration } from './migrations';
import { loadSqlJs } from './sqlite';
import { nextTurn } from '../nextTurn';
import { SqlJsDb, type SqlDb } from './sqlDb';
import type { StoragePort } from './storagePort';

/**
 * The journal's size bound, from `npm run bench` (group store). A one-field edit is a ~166-byte record
 * (the changed column only), so 1 MiB holds ~6,300 commits; at 100k sessions (a 35.7 MB image with the
 * activity indexes and the room a checkpoint leaves, see `keepRoom`) that amortises the checkpoint to
 * ~5.8 KB written per change, under the 16 KB target; 512 KiB would give ~11.5 KB. The larger bound is
 * kept for sync: a push of 10,000 shares writes ~670 KB of records (one column of each row it marks)
 * and a pull of 10,000 ~350 KB per page of 1,024 new rows, so 1 MiB lets a push finish without a
 * whole-image write and a pull checkpoint every third page. The price is replay at open after a crash:
 * 691 ms against 327 ms for the same base without a journal, in turns on the shared machine. Most of
 * it is SQLite's first touch of each page the records change (~1,000 pages: ~170 ms in a fresh
 * process), then ~35 µs per record while sql.js is still cold; 512 KiB would halve the second part.
 */
export const DEFAULT_JOURNAL_LIMIT_BYTES = 1 << 20;

export interface StoreOptions {
  /**
   * The database file (the base image) as the user would find it, for messages; its last segment names
   * the base in `storage`, and the journal is a file beside it.
   */
  file: string;
  logger: Logger;
  /** Where the files live: the entry point picks the platform's port (a local disk, or vscode.workspace.fs). */
  storage: StoragePort;
  /** sql.js's wasm bytes; without them sql.js locates its own file (fine under Node, not in a bundle). */
  wasmBinary?: Uint8Array;
  /** How often to look for other windows' writes when no file event arrives. */
  pollMs?: number;
  /** Tests open at an older schema to prove each upgrade path. */
  migrations?: readonly Migration[];
  /** The journal size that triggers a checkpoint. */
  journalLimitBytes?: number;
}

export interface StoreChange {
  /** `local`: this process wrote; `external`: another window did, and this store took it in. */
  origin: 'local' | 'external';
}

export interface OpenResult {
  store: Store;
  /** Set when the file at start could not be read as a database and was moved aside. */
  recovered?: Recovered;
}

/**
 * The one database of the extension: a sql.js image in memory, kept on disk as a base image plus a
 * journal of commits (see `JournaledImage`), shared by every VS Code window. Writes are queued and
 * committed in groups under a cross-process lock: take in what other windows appended, apply each write
 * in its own savepoint, append one record of the group's changed rows and fsync it, then commit in
 * memory. What a record cannot carry (schema changes, a DELETE without WHERE) is written as a checkpoint.
 */
export class Store {
  private readonly changes = new Emitter<StoreChange>();
  readonly onDidChange: Event<StoreChange> = this.changes.event;
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private committing = false;
  private closing = false;
  private closed = false;
  private readonly poll: ReturnType<typeof setInterval>;
  private readonly watcher: { dispose(): void } | undefined;
  private watchDebounce: ReturnType<typeof setTimeout> | undefined;
  private readonly follower: Follower;

  private constructor(
    private readonly disk: JournaledImage,
    private readonly storage: StoragePort,
    private readonly file: string,
    private readonly logger: Logger,
    migrations: readonly Migration[],
    pollMs: number,
  ) {
    this.follower = new Follower(disk, storage, logger, migrations);
    this.poll = setInterval(() => void this.checkExternal(), pollMs);
    (this.poll as { unref?: () => void }).unref?.();
    this.watcher = this.watchFolder();
  }

  /** File writes and reloads so far: the benchmark and tests count group commits with them. */
  get counters(): Readonly<Counters> {
    return this.disk.counters;
  }

  static async open(options: StoreOptions): Promise<OpenResult> {
    const { file, logger } = options;
    const { storage } = options;
    const baseName = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    const sql = await loadSqlJs(options.wasmBinary);
    const release = await storage.lock();
    try {
      const disk = new JournaledImage(sql, storage, baseName, logger, options.journalLimitBytes ?? DEFAULT_JOURNAL_LIMIT_BYTES, emptyDb(sql));
      const migrations = options.migrations ?? allMigrations;
      const recovered = await loadAtOpen(disk, storage, file, logger, migrations);
      const store = new Store(disk, storage, file, logger, migrations, options.pollMs ?? 1_000);
      return { store, recovered };
    } finally {
      release();
    }
  }

  /** Runs `fn` on the current state, after taking in what other windows wrote since the last look. */
  read<T>(fn: (db: SqlDb) => T): T {
    this.assertOpen();
    if (!this.committing && this.storage.sync && this.readFresh()) this.fireSoon('external');
    return fn(this.disk.db);
  }

  /**
   * Applies `fn` atomically and resolves once the change is durable on disk. `fn` runs later, under the
   * lock and on the freshest state, so it must read what it needs inside itself. Writes issued together
   * share one journal record.
   */
  write<T>(fn: (db: SqlDb) => T): Promise<T> {
    if (this.closing) return Promise.reject(new StoreError('persist-failed', 'FocusFlow database is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Waits for queued writes, folds the journal into the base image, then releases the database. The
   * checkpoint leaves a plain SQLite file that holds everything, which is what an older FocusFlow reads.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    // New writes are refused from here on; those already queued still reach the disk.
    this.closing = true;
    while (this.flushing) await this.flushing;
    this.closed = true;
    clearInterval(this.poll);
    clearTimeout(this.watchDebounce);
    this.watcher?.dispose();
    try {
      await this.checkpointIfJournaled();
    } catch (err) {
      // Nothing is lost: the journal stays beside the base and is replayed at the next start.
      this.logger.warn(`Could not fold the journal into the database at close: ${(err as Error).message}`);
    }
    this.changes.dispose();
    this.disk.db.close();
  }

  private async checkpointIfJournaled(): Promise<void> {
    const journal = (await this.storage.list(this.disk.journalName)).find((f) => f.name === this.disk.journalName);
    if (!journal?.size) return;
    const release = await this.storage.lock();
    try {
      await this.follower.catchUp({ mustRead: true });
      await this.disk.settleJournal();
      await this.disk.checkpoint();
    } finally {
      release();
    }
  }

  private async flush(): Promise<void> {
    // Let every write issued in this turn of the event loop join the first group.
    await nextTurn();
    try {
      while (this.pending.length) {
        const group = this.pending;
        this.pending = [];
        await this.commit(group);
      }
    } finally {
      // Whatever happened, the next write must start a flush of its own rather than wait on this one.
      this.flushing = undefined;
    }
  }

  private async commit(group: PendingWrite[]): Promise<void> {
    let release: () => void;
    try {
      release = await this.storage.lock();
    } catch (err) {
      for (const write of group) write.reject(err);
      return;
    }
    this.committing = true;
    const outcomes: Outcome[] = [];
    let reloaded = false;
    try {
      // Writing on top of changes that could not be read would erase the other window's work.
      reloaded = await this.follower.catchUp({ mustRead: true }).catch((err: unknown) => {
        throw unreadableError(err);
      });
      await this.disk.settleJournal();
      await applyAndPersist(this.disk, this.follower, this.logger, group, outcomes);
    } catch (err) {
      this.logger.error(`Could not save the FocusFlow database: ${(err as Error).message}`);
      const failure =
        err instanceof StoreError
          ? err
          : new StoreError(
              'persist-failed',
              `FocusFlow could not save to ${this.file} (${(err as { code?: string }).code ?? (err as Error).message}). ` +
                'Check free disk space and the folder permissions; your change was not saved.',
              err,
            );
      for (let i = 0; i < group.length; i++) outcomes[i] = { ok: false, value: failure };
    } finally {
      this.committing = false;
      release();
    }
    group.forEach((write, i) => (outcomes[i].ok ? write.resolve(outcomes[i].value) : write.reject(outcomes[i].value)));
    if (reloaded) this.notify('external');
    if (outcomes.some((o) => o.ok)) this.notify('local');
  }

  /** Tells listeners; one that throws is logged, never allowed to stop the store. */
  private notify(origin: StoreChange['origin']): void {
    try {
      this.changes.fire({ origin });
    } catch (err) {
      this.logger.error(`A view or service failed to take in a database change: ${(err as Error).message}`);
    }
  }

  private async checkExternal(): Promise<void> {
    if (this.closed || this.committing) return;
    try {
      const changed = this.storage.sync ? this.follower.catchUpSync() : await this.follower.catchUp({});
      if (changed) this.notify('external');
    } catch (err) {
      this.logger.error(`Could not take in the FocusFlow database written by another window: ${(err as Error).message}`);
    }
  }

  private readFresh(): boolean {
    try {
      return this.follower.catchUpSync();
    } catch (err) {
      this.logger.error(`Could not take in the FocusFlow database written by another window: ${(err as Error).message}`);
      return false;
    }
  }

  private fireSoon(origin: StoreChange['origin']): void {
    queueMicrotask(() => this.notify(origin));
  }

  private watchFolder(): { dispose(): void } | undefined {
    if (!this.storage.watch) return undefined;
    const names = [this.disk.baseName, this.disk.journalName];
    try {
      return this.storage.watch(
        (changed) => {
          if (changed !== undefined && !names.includes(changed)) return;
          clearTimeout(this.watchDebounce);
          this.watchDebounce = setTimeout(() => void this.checkExternal(), 20);
        },
        (err) => this.logger.warn(`Watching the database folder stopped: ${err.message}`),
      );
    } catch (err) {
      this.logger.warn(`Cannot watch the database folder, checking every second instead: ${(err as Error).message}`);
      return undefined;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('persist-failed', 'FocusFlow database is closed.');
  }
}

function emptyDb(sql: SqlJsStatic): SqlJsDb {
  return new SqlJsDb(new sql.Database());
}
