import { Emitter, type Disposable, type Event } from '../events';
import { uuidv7 } from '../ids';
import type { ConnectionState } from '../team/connection';
import type { BackoffPolicy } from '../backoff';
import { queueFor, type SyncEngineOptions, type SyncSettings } from './engineOptions';
import { classifyFailure } from './engineErrors';
import { indicatorFor, type SyncRunResult, type SyncStatus } from './engineStatus';
import { SyncLease } from './lease';
import { rememberAccount } from './heldChanges';
import { LiveFollow } from './liveFollow';
import { OfflineProbe } from './offlineProbe';
import { RunTimer } from './runTimer';
import { pushThenPull } from './syncPass';
import type { QueueStats, SyncQueue } from './queue';
import { unreadableSummary } from './unreadable';

export type { ConnectionSource, SyncEngineOptions, SyncSettings } from './engineOptions';

const defaultProbe: BackoffPolicy = { baseMs: 2_000, capMs: 120_000 };

/**
 * Two-way sync: push the queue, then pull remote changes; one run at a time across windows (lease),
 * triggered by a timer, connecting, the server coming back, live change events, and explicit requests.
 */
export class SyncEngine implements Disposable {
  private readonly statusEmitter = new Emitter<SyncStatus>();
  private readonly dataEmitter = new Emitter<void>();
  /** Fires whenever the indicator or the queue statistics change. */
  readonly onDidChangeStatus: Event<SyncStatus> = this.statusEmitter.event;
  /** Fires after a run changed local data (pulled changes, sync statuses), so views repaint. */
  readonly onDidChangeData: Event<void> = this.dataEmitter.event;

  private readonly lease: SyncLease;
  private readonly offline: OfflineProbe;
  private readonly subscriptions: Disposable[] = [];
  private running: Promise<SyncRunResult> | undefined;
  private again: Promise<SyncRunResult> | undefined;
  private againExplicit = false;
  private syncing = false;
  /** Why the last run of this window failed (other than being offline), and when; cleared by one that succeeds. */
  private runError: { message: string; at: number } | undefined;
  /** The offline probe just reached the server: the next run reads a 502 or 504 as about its request. */
  private serverAnswered = false;
  private lastStatusKey = '';
  private readonly timer: RunTimer;
  private readonly live: LiveFollow;
  private disposed = false;

  constructor(private readonly o: SyncEngineOptions) {
    this.lease = new SyncLease(o.store, o.clock, uuidv7(o.clock.now()));
    this.timer = new RunTimer(o.clock, (reason) => this.kick(reason));
    this.live = new LiveFollow({
      store: o.store,
      registry: o.registry,
      logger: o.logger,
      queue: () => this.queue(),
      delayMs: o.liveDelayMs ?? 300,
      runDueWithin: (ms) => this.runDueWithin(ms),
      schedule: (reason, ms) => this.schedule(reason, ms),
    });
    this.offline = new OfflineProbe({
      clock: o.clock,
      policy: o.probe ?? defaultProbe,
      stillWanted: (client) => !this.disposed && o.connection.state.status === 'connected' && o.connection.state.client === client,
      onReachable: () => {
        this.serverAnswered = true;
        this.kick('server reachable again');
      },
      onChange: () => this.emitStatus(),
    });
    this.subscriptions.push(
      o.connection.onDidChange((state) => this.onConnection(state)),
      o.store.onDidChange(() => {
        // Another window completed a sync since we went offline: the server is reachable, and this
        // window's own timer (stopped while offline) starts again.
        const lastSyncAt = this.stats().lastSyncAt ?? 0;
        if (this.offline.reason && lastSyncAt > this.offline.since) {
          this.offline.backOnline();
          this.scheduleNext(this.o.settings());
        }
        if (this.runError && lastSyncAt > this.runError.at) this.runError = undefined;
        this.emitStatus();
      }),
    );
    this.onConnection(o.connection.state);
  }

  /** The queue with the current settings and account (sharing enqueues through it). */
  queue(): SyncQueue {
    return queueFor(this.o, this.o.connection.state);
  }

  status(): SyncStatus {
    const stats = this.stats();
    const indicator = indicatorFor({
      connection: this.o.connection.state,
      syncing: this.syncing,
      offlineReason: this.offline.reason,
      runError: this.runError?.message,
      stats,
    });
    const unreadable = this.o.store.read(unreadableSummary);
    return unreadable ? { indicator, stats, unreadable } : { indicator, stats };
  }

  stats(): QueueStats {
    const stats = this.o.store.read((db) => this.queue().stats(db));
    // A run that failed after the queue's last error is the newer news.
    return this.runError ? { ...stats, lastError: this.runError.message } : stats;
  }

  /**
   * Runs a sync now, or right after the one in progress. `explicit` (the user asked) also sends
   * operations still waiting out their backoff.
   */
  sync(reason: string, o: { explicit?: boolean } = {}): Promise<SyncRunResult> {
    if (this.running) {
      this.againExplicit ||= o.explicit === true;
      this.again ??= this.running.then(
        () => this.startRun(reason, this.againExplicit),
        () => this.startRun(reason, this.againExplicit),
      );
      return this.again;
    }
    return this.startRun(reason, o.explicit === true);
  }

  /** A run nobody awaits: its failure (e.g. the store closing under it) goes to the log, not the void. */
  private kick(reason: string): void {
    this.sync(reason).catch((err: unknown) => this.o.logger.warn(`Sync run (${reason}) failed: ${(err as Error).message}`));
  }

  /** Asks for a run after `delayMs` unless one is already due sooner. */
  schedule(reason: string, delayMs: number): void {
    if (!this.disposed) this.timer.schedule(reason, delayMs);
  }

  private runDueWithin(delayMs: number): boolean {
    return this.timer.dueWithin(delayMs);
  }

  /** Gives every failed operation a fresh set of attempts and starts a run. Returns how many. */
  async retryFailed(): Promise<number> {
    const count = await this.o.store.write((db) => this.queue().retryFailed(db));
    if (count > 0) this.schedule('retrying failed changes', 0);
    return count;
  }

  /** Drops every failed operation (their shared sessions stay, marked failed). Returns how many. */
  async clearFailed(): Promise<number> {
    const count = await this.o.store.write((db) => this.queue().clearFailed(db));
    this.emitStatus();
    return count;
  }

  /** Failed operations with their errors, oldest first. */
  failedOperations(): ReturnType<SyncQueue['listFailed']> {
    return this.o.store.read((db) => this.queue().listFailed(db));
  }

  dispose(): void {
    this.disposed = true;
    this.timer.clear();
    this.offline.backOnline();
    this.live.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.statusEmitter.dispose();
    this.dataEmitter.dispose();
  }

  /** Resolves once no run is in progress (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.again) await (this.again ?? this.running)?.catch(() => undefined);
  }

  private startRun(reason: string, explicit: boolean): Promise<SyncRunResult> {
    this.again = undefined;
    this.againExplicit = false;
    const run = this.run(reason, explicit).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(reason: string, explicit: boolean): Promise<SyncRunResult> {
    const state = this.o.connection.state;
    if (this.disposed || state.status !== 'connected') return this.result(0, 0, 'Not connected to a team server.');
    const { client, connection } = state;
    let leased: boolean;
    try {
      if (explicit) {
        await this.o.store.write((db) => db.run(`UPDATE sync_queue SET next_attempt_at = 0 WHERE status = 'pending' AND next_attempt_at > 0`));
      }
      leased = await this.lease.acquire();
    } catch (err) {
      // The database could not be written (held, locked, full): the timer must still come back.
      this.failedRun(classifyFailure(err).message);
      this.scheduleNext(this.o.settings(), this.o.leaseRetryMs ?? 10_000);
      throw err;
    }
    if (!leased) {
      // Keep probing while offline: the other window's run may fail too, or finish long before ours would.
      if (this.offline.reason) this.offline.goOffline(client, this.offline.reason);
      // Otherwise come back: the other window may close mid-run, and then nobody else will.
      else this.scheduleNext(this.o.settings(), this.o.leaseRetryMs ?? 10_000);
      return this.result(0, 0, 'Another VS Code window is syncing right now.');
    }
    const settings = this.o.settings();
    const queue = this.queue();
    const classify = { serverAnswered: this.serverAnswered };
    this.serverAnswered = false;
    this.syncing = true;
    this.emitStatus();
    this.o.logger.debug(`Sync run (${reason}).`);
    let synced = 0;
    let pulled = 0;
    let changed = false;
    let error: string | undefined;
    let notBeforeMs = 0;
    const renewal = this.lease.keepAlive((err) => this.o.logger.warn(`Renewing the sync lease failed: ${(err as Error).message}`));
    try {
      const pass = await pushThenPull({
        store: this.o.store,
        queue,
        registry: this.o.registry,
        client,
        clock: this.o.clock,
        logger: this.o.logger,
        settings,
        connection,
        reader: this.o.reader ?? 'development',
        onWindow: (db) => this.lease.extend(db),
        classify,
      });
      synced = pass.synced;
      pulled = pass.pulled;
      changed = pass.changed;
      if (pass.pullError !== undefined) throw pass.pullError;
      if (pass.stopped) {
        error = pass.stopped.message;
        if (pass.stopped.kind === 'offline') this.offline.goOffline(client, pass.stopped.message);
        else {
          this.failedRun(error);
          // Refused as signed out while the connection still holds a session (a proxy's 401, say):
          // nothing was charged, so the queue is still due; trying again at once would only spin.
          notBeforeMs = settings.intervalSeconds * 1000;
        }
      } else {
        this.offline.backOnline();
        this.runError = undefined;
      }
    } catch (err) {
      const failure = classifyFailure(err, classify);
      error = failure.message;
      if (failure.kind === 'offline') this.offline.goOffline(client, failure.message);
      else this.failedRun(failure.message);
    } finally {
      renewal.dispose();
      await this.lease.release().catch((err: unknown) => this.o.logger.warn(`Releasing the sync lease failed: ${(err as Error).message}`));
      this.syncing = false;
      this.emitStatus();
      if (changed) this.dataEmitter.fire();
      this.scheduleNext(settings, notBeforeMs);
    }
    return this.result(synced, pulled, undefined, error);
  }

  private failedRun(message: string): void {
    this.runError = { message, at: this.o.clock.now() };
    this.o.logger.warn(`Sync run failed: ${message}`);
    this.emitStatus();
  }

  private result(synced: number, pulled: number, skipped?: string, error?: string): SyncRunResult {
    const stats = this.stats();
    return { synced, failed: stats.failed, pending: stats.pending, pulled, ...(skipped ? { skipped } : {}), ...(error ? { error } : {}) };
  }

  /** The timer, or sooner when a queued operation's backoff ends first, but not before `notBeforeMs`. */
  private scheduleNext(settings: SyncSettings, notBeforeMs = 0): void {
    if (this.disposed || settings.intervalSeconds <= 0 || this.o.connection.state.status !== 'connected' || this.offline.reason) return;
    let delay = settings.intervalSeconds * 1000;
    const nextAttempt = this.o.store.read((db) => this.queue().nextAttemptAt(db));
    if (nextAttempt !== undefined) delay = Math.min(delay, nextAttempt - this.o.clock.now());
    this.schedule('timer', Math.max(notBeforeMs, delay));
  }

  private onConnection(state: ConnectionState): void {
    if (this.disposed) return;
    if (state.status !== 'connected') {
      this.live.dispose();
      this.offline.backOnline();
      this.timer.clear();
      this.emitStatus();
      return;
    }
    const { teamId, serverUrl, userId } = state.connection;
    const reason = this.live.follow(state.client, `${serverUrl} ${userId}`, teamId, this.o.subscribe !== false);
    if (reason) {
      if (reason === 'connected') rememberAccount(this.o.store, this.o.logger, state.connection);
      this.kick(reason);
    }
    this.emitStatus();
  }

  private emitStatus(): void {
    if (this.disposed) return;
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    this.statusEmitter.fire(status);
  }
}
