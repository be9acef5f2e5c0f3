import { z } from 'zod';
import type { Clock } from '../clock';
import { Emitter, type Disposable, type Event } from '../events';
import { toLocalId, uuidToBase64, uuidv7 } from '../ids';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { ConnectionState } from '../team/connection';
import type { Subscription, TrailBaseClient } from '../trailbase';
import type { BackoffPolicy } from '../backoff';
import type { ConflictStrategy } from './conflict';
import { classifyFailure } from './engineErrors';
import { indicatorFor, type SyncRunResult, type SyncStatus } from './engineStatus';
import { SyncLease } from './lease';
import { echoesLocalState } from './liveEcho';
import { OfflineProbe } from './offlineProbe';
import { pullChanges } from './pull';
import { pushQueue } from './push';
import { SyncQueue, type QueueStats } from './queue';
import { unreadableSummary } from './unreadable';
import type { EntityRegistry } from './registry';

export interface SyncSettings {
  /** Seconds between automatic runs; 0 means only on request (and on connecting). */
  intervalSeconds: number;
  conflictStrategy: ConflictStrategy;
  maxAttempts: number;
  batchSize: number;
}

/** The part of `ConnectionService` the engine follows. */
export interface ConnectionSource {
  readonly state: ConnectionState;
  readonly onDidChange: Event<ConnectionState>;
}

export interface SyncEngineOptions {
  store: Store;
  connection: ConnectionSource;
  registry: EntityRegistry;
  logger: Logger;
  clock: Clock;
  /** Read at every run, so a settings change applies from the next run on. */
  settings: () => SyncSettings;
  /** Retry timing of queued operations (default: 2 s growing to 10 min). */
  backoff?: BackoffPolicy;
  /** The jitter of that backoff (default Math.random); tests fix it to know when a retry is due. */
  random?: () => number;
  /** Probing an unreachable server: first delay and cap. Default 2 s to 2 min. */
  probe?: BackoffPolicy;
  /** Live updates over SSE while connected (default true). */
  subscribe?: boolean;
  /** Delay between a teammate's change arriving live and the pull that fetches it. Default 300 ms. */
  liveDelayMs?: number;
  /** This version of FocusFlow (see unreadable.ts). Default 'development'. */
  reader?: string;
  /** How soon to try again when another window holds the sync lease. Default 10 s. */
  leaseRetryMs?: number;
}

const defaultProbe: BackoffPolicy = { baseMs: 2_000, capMs: 120_000 };
const anyRow = z.unknown();

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
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private live: { key: string; account: string; client: TrailBaseClient; streams: Subscription[] } | undefined;
  private disposed = false;

  constructor(private readonly o: SyncEngineOptions) {
    this.lease = new SyncLease(o.store, o.clock, uuidv7(o.clock.now()));
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
    const s = this.o.settings();
    const state = this.o.connection.state;
    return new SyncQueue({
      registry: this.o.registry,
      clock: this.o.clock,
      ...(state.status === 'connected' ? { owner: toLocalId(state.connection.userId) } : {}),
      maxAttempts: s.maxAttempts,
      batchSize: s.batchSize,
      ...(this.o.backoff ? { backoff: this.o.backoff } : {}),
      ...(this.o.random ? { random: this.o.random } : {}),
    });
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
    if (this.disposed || this.runDueWithin(delayMs)) return;
    const due = this.o.clock.now() + delayMs;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.kick(reason);
    }, Math.max(0, delayMs));
  }

  private runDueWithin(delayMs: number): boolean {
    return this.timer !== undefined && this.timerDue <= this.o.clock.now() + delayMs;
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
    clearTimeout(this.timer);
    this.offline.backOnline();
    this.stopLive();
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
      const push = await pushQueue({
        store: this.o.store,
        queue,
        registry: this.o.registry,
        client,
        clock: this.o.clock,
        logger: this.o.logger,
        batchSize: settings.batchSize,
        onWindow: (db) => this.lease.extend(db),
        classify,
      });
      synced = push.acknowledged;
      changed = push.acknowledged + push.failed > 0;
      if (push.stopped) {
        error = push.stopped.message;
        if (push.stopped.kind === 'offline') this.offline.goOffline(client, push.stopped.message);
        else {
          this.failedRun(error);
          // Refused as signed out while the connection still holds a session (a proxy's 401, say):
          // nothing was charged, so the queue is still due; trying again at once would only spin.
          notBeforeMs = settings.intervalSeconds * 1000;
        }
      } else {
        const pull = await pullChanges({
          store: this.o.store,
          queue,
          registry: this.o.registry,
          client,
          logger: this.o.logger,
          strategy: settings.conflictStrategy,
          userId: connection.userId,
          scope: `${connection.serverUrl} ${connection.userId}`,
          reader: this.o.reader ?? 'development',
        });
        pulled = pull.applied;
        changed ||= pull.applied > 0;
        this.offline.backOnline();
        this.runError = undefined;
        await this.o.store.write((db) => queue.noteSyncCompleted(db, this.o.clock.now()));
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
      this.stopLive();
      this.offline.backOnline();
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerDue = Infinity;
      this.emitStatus();
      return;
    }
    const { teamId, serverUrl, userId } = state.connection;
    const account = `${serverUrl} ${userId}`;
    const key = `${account} ${teamId ?? ''}`;
    if (this.live?.key !== key || this.live.client !== state.client) {
      const reason = this.live?.account === account ? 'active team changed' : 'connected';
      this.stopLive();
      this.live = { key, account, client: state.client, streams: teamId && this.o.subscribe !== false ? this.follow(state.client, teamId) : [] };
      this.kick(reason);
    }
    this.emitStatus();
  }

  /** Live changes of the active team: each event asks for a pull shortly after (events are not replayed). */
  private follow(client: TrailBaseClient, teamId: string): Subscription[] {
    const team = uuidToBase64(toLocalId(teamId));
    const delay = this.o.liveDelayMs ?? 300;
    const sessions = this.o.registry.byApiName('shared_sessions');
    return ['shared_sessions', 'members'].map((api) =>
      client.records(api, anyRow).subscribe(
        '*',
        {
          onEvent: (event) => {
            // A run already due covers the event (a teammate's burst sends thousands): nothing to look up.
            if (this.runDueWithin(delay)) return;
            if (api === 'shared_sessions' && sessions && echoesLocalState(this.o.store, this.queue(), sessions, event.record)) return;
            this.schedule('live change', delay);
          },
          onResync: () => this.schedule('live stream resumed', delay),
          onError: (err: { message: string }) => this.o.logger.debug(`Live sync stream: ${err.message}`),
        },
        { where: { team } },
      ),
    );
  }

  private stopLive(): void {
    for (const s of this.live?.streams ?? []) s.dispose();
    this.live = undefined;
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
