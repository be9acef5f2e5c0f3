import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import type { Logger } from '../logger';
import { Emitter, type Event } from '../events';
import { writeFileAtomic, removeOrphanTempFiles } from './atomicWrite';
import { StoreError } from './errors';
import { FileLock } from './fileLock';
import { migrate } from './migrate';
import { migrations as allMigrations, type Migration } from './migrations';
import { loadSqlJs } from './sqlite';
import { identify, readDatabase, sameIdentity, whileHeld, type FileIdentity } from './dbFile';
import { SqlJsDb, type SqlDb } from './sqlDb';

export interface StoreOptions {
  /** The database file; its folder is created if missing. */
  file: string;
  logger: Logger;
  /** sql.js's wasm bytes; without them sql.js locates its own file (fine under Node, not in a bundle). */
  wasmBinary?: Uint8Array;
  lockStaleMs?: number;
  lockTimeoutMs?: number;
  /** How often to look for other windows' writes when no file event arrives. */
  pollMs?: number;
  /** Tests open at an older schema to prove each upgrade path. */
  migrations?: readonly Migration[];
}

export interface StoreChange {
  /** `local`: this process wrote; `external`: another window did, and this store reloaded. */
  origin: 'local' | 'external';
}

export interface OpenResult {
  store: Store;
  /** Set when the file at start could not be read as a database and was moved aside. */
  recovered?: { movedTo: string; reason: string };
}

interface PendingWrite {
  fn: (db: SqlDb) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * The one database of the extension: a sql.js image in memory, persisted to a file that every VS Code
 * window shares. Writes are queued and committed in groups under a cross-process lock: reload what other
 * windows wrote, apply each write in its own savepoint, export once, replace the file atomically.
 */
export class Store {
  private readonly changes = new Emitter<StoreChange>();
  readonly onDidChange: Event<StoreChange> = this.changes.event;
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private committing = false;
  private closing = false;
  private closed = false;
  private readonly poll: NodeJS.Timeout;
  private readonly watcher: fs.FSWatcher | undefined;
  private watchDebounce: NodeJS.Timeout | undefined;
  /** The version of the file last found damaged or too new to take in. */
  private unusable: FileIdentity | undefined;
  /** File writes and reloads so far: the benchmark and tests count group commits with them. */
  readonly counters = { persists: 0, reloads: 0 };

  private constructor(
    private readonly sql: SqlJsStatic,
    private db: SqlJsDb,
    private identity: FileIdentity | undefined,
    private readonly file: string,
    private readonly lock: FileLock,
    private readonly logger: Logger,
    private readonly migrations: readonly Migration[],
    pollMs: number,
  ) {
    this.poll = setInterval(() => this.checkExternal(), pollMs);
    this.poll.unref();
    this.watcher = this.watchFolder();
  }

  static async open(options: StoreOptions): Promise<OpenResult> {
    const { file, logger } = options;
    ensureWritableFolder(path.dirname(file));
    const sql = await loadSqlJs(options.wasmBinary);
    const lock = new FileLock(`${file}.lock`, options.lockStaleMs, options.lockTimeoutMs);
    await lock.acquire();
    try {
      removeOrphanTempFiles(file);
      let recovered: OpenResult['recovered'];
      let loaded: { db: SqlJsDb; identity: FileIdentity } | undefined;
      if (fs.existsSync(file)) {
        try {
          loaded = await whileHeld(() => readDatabase(sql, file));
        } catch (err) {
          // A file that cannot be opened is not a damaged one: moving it aside would hide the history.
          if (isFileAccessError(err)) {
            throw new StoreError(
              'unwritable',
              `FocusFlow cannot read its database ${file} (${(err as NodeJS.ErrnoException).code}); another program may be holding it. Close it or wait, then reload the window.`,
              err,
            );
          }
          const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
          fs.renameSync(file, movedTo);
          recovered = { movedTo, reason: (err as Error).message };
          logger.warn(`Database could not be read (${recovered.reason}); moved it to ${movedTo} and started a new one.`);
        }
      }
      const db = loaded?.db ?? new SqlJsDb(new sql.Database());
      let identity = loaded?.identity;
      const migrations = options.migrations ?? allMigrations;
      const { from, to } = inTransaction(db, () => migrate(db, migrations));
      if (from !== to || !identity) {
        await writeFileAtomic(file, db.raw.export());
        identity = identify(file);
        logger.info(`Database schema ${from} → ${to} at ${file}`);
      }
      const store = new Store(sql, db, identity, file, lock, logger, migrations, options.pollMs ?? 1_000);
      return { store, recovered };
    } finally {
      lock.release();
    }
  }

  /** Runs `fn` on the current state, after taking in what other windows wrote since the last look. */
  read<T>(fn: (db: SqlDb) => T): T {
    this.assertOpen();
    if (!this.committing && this.reloadIfChanged()) this.fireSoon('external');
    return fn(this.db);
  }

  /**
   * Applies `fn` atomically and resolves once the change is durable on disk. `fn` runs later, under the
   * lock and on the freshest state, so it must read what it needs inside itself. Writes issued together
   * share one file write.
   */
  write<T>(fn: (db: SqlDb) => T): Promise<T> {
    if (this.closing) return Promise.reject(new StoreError('persist-failed', 'FocusFlow database is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Waits for queued writes, then releases the database. */
  async close(): Promise<void> {
    if (this.closing) return;
    // New writes are refused from here on; those already queued still reach the disk.
    this.closing = true;
    while (this.flushing) await this.flushing;
    this.closed = true;
    clearInterval(this.poll);
    clearTimeout(this.watchDebounce);
    this.watcher?.close();
    this.changes.dispose();
    this.db.close();
  }

  private async flush(): Promise<void> {
    // Let every write issued in this turn of the event loop join the first group.
    await new Promise((resolve) => setImmediate(resolve));
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
    try {
      await this.lock.acquire();
    } catch (err) {
      for (const write of group) write.reject(err);
      return;
    }
    this.committing = true;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    let reloaded = false;
    try {
      // Writing on top of a file that changed but could not be read would erase the other window's work.
      reloaded = await whileHeld(() => this.reloadIfChanged({ mustRead: true })).catch((err: unknown) => {
        if (err instanceof StoreError || !isFileAccessError(err)) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'EACCES' || code === 'EPERM'
            ? 'its permissions do not let FocusFlow read it (it may belong to another user), or another program is holding it'
            : 'another program, such as an antivirus or a sync tool, is holding the file';
        throw new StoreError(
          'persist-failed',
          `FocusFlow could not read the database another window just saved (${code}): ${why}. Your change was not saved; check, then try again.`,
          err,
        );
      });
      inTransaction(this.db, () => {
        for (const write of group) outcomes.push(applyInSavepoint(this.db, write.fn));
      });
      if (outcomes.some((o) => o.ok)) {
        await writeFileAtomic(this.file, this.db.raw.export());
        this.identity = identify(this.file);
        this.counters.persists++;
      }
    } catch (err) {
      this.logger.error(`Could not save the FocusFlow database: ${(err as Error).message}`);
      const failure =
        err instanceof StoreError
          ? err
          : new StoreError(
              'persist-failed',
              `FocusFlow could not save to ${this.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
                'Check free disk space and the folder permissions; your change was not saved.',
              err,
            );
      for (let i = 0; i < group.length; i++) outcomes[i] = { ok: false, value: failure };
      // Memory may be ahead of the file now: go back to what is on disk, so nothing unsaved is shown.
      this.identity = undefined;
      this.reloadIfChanged();
    } finally {
      this.committing = false;
      this.lock.release();
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

  /**
   * Replaces the in-memory image with the file's if another process replaced the file since. With
   * `mustRead`, a file that changed but cannot be read for now (held open by an antivirus or a sync
   * tool), or that a newer FocusFlow upgraded, throws instead; a file whose content is damaged is
   * still passed over, and the next save replaces it with this good copy.
   */
  private reloadIfChanged(o: { mustRead?: boolean } = {}): boolean {
    const current = identify(this.file);
    if (!current || sameIdentity(current, this.identity)) return false;
    // The poll comes back every second: a file already found unusable is not read and reported again.
    if (!o.mustRead && sameIdentity(current, this.unusable)) return false;
    let loaded: { db: SqlJsDb; identity: FileIdentity };
    try {
      loaded = readDatabase(this.sql, this.file);
    } catch (err) {
      const held = isFileAccessError(err);
      if (o.mustRead && held) throw err;
      if (!held) this.unusable = current;
      this.logger.error(`Could not reload the FocusFlow database written by another window: ${(err as Error).message}`);
      return false;
    }
    try {
      // A backup or sync tool may put back an older copy of the file: bring it up to this schema (the
      // next save writes it). A copy a newer FocusFlow upgraded is not ours to write over.
      const { from, to } = inTransaction(loaded.db, () => migrate(loaded.db, this.migrations));
      if (from !== to) this.logger.warn(`The database file was replaced by an older copy (schema ${from}); upgraded it to schema ${to}.`);
    } catch (err) {
      loaded.db.close();
      this.unusable = current;
      if (o.mustRead) throw err;
      this.logger.error(`Could not take in the FocusFlow database written by another window: ${(err as Error).message}`);
      return false;
    }
    this.db.close();
    this.db = loaded.db;
    this.identity = loaded.identity;
    this.counters.reloads++;
    return true;
  }

  private checkExternal(): void {
    if (this.closed || this.committing) return;
    if (this.reloadIfChanged()) this.notify('external');
  }

  private fireSoon(origin: StoreChange['origin']): void {
    queueMicrotask(() => this.notify(origin));
  }

  private watchFolder(): fs.FSWatcher | undefined {
    const name = path.basename(this.file);
    try {
      const watcher = fs.watch(path.dirname(this.file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        clearTimeout(this.watchDebounce);
        this.watchDebounce = setTimeout(() => this.checkExternal(), 20);
      });
      watcher.on('error', (err) => this.logger.warn(`Watching the database folder stopped: ${err.message}`));
      return watcher;
    } catch (err) {
      this.logger.warn(`Cannot watch the database folder, checking every second instead: ${(err as Error).message}`);
      return undefined;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('persist-failed', 'FocusFlow database is closed.');
  }
}

function ensureWritableFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new StoreError(
      'unwritable',
      `FocusFlow cannot write to its storage folder ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
        'Check that the folder exists and is writable, then reload the window.',
      err,
    );
  }
}

/** The file could not be opened or read (an errno code), as opposed to bytes that are not a database. */
function isFileAccessError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException).code === 'string';
}

function applyInSavepoint(db: SqlJsDb, fn: (db: SqlDb) => unknown): { ok: boolean; value: unknown } {
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

function inTransaction<T>(db: SqlJsDb, fn: () => T): T {
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

