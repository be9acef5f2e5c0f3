import { type Clock, systemClock } from '../clock';
import { Emitter, type Disposable, type Event } from '../events';
import { uuidv7 } from '../ids';
import type { Logger } from '../logger';
import type { SqlDb, Store } from '../store';
import { ClockWatch } from './clockWatch';
import { nextBreakType } from './breakCycle';
import { FocusError, FocusStateError, FocusValidationError } from './errors';
import { startOfLocalDay, startOfLocalWeek } from './periods';
import { type BreakType, type FocusSession, toIso, toMs } from './session';
import {
  focusTotalSince,
  insertSession,
  lastLongBreakSince,
  loadActive,
  type PeriodTotal,
  recentSessions,
  updateIfUnchanged,
} from './sessionRows';
import { defaultFocusSettings, type FocusSettings } from './settings';
import * as timer from './timer';
import { parseLabel, parseMinutes } from './validation';

export type FocusChangeReason =
  | 'started'
  | 'paused'
  | 'resumed'
  | 'stopped'
  | 'cancelled'
  /** Reached its planned length; only the window whose update won reports it. */
  | 'completed'
  | 'auto-paused'
  /** Another window changed the sessions; re-read `current()`. */
  | 'external';

export interface FocusChange {
  reason: FocusChangeReason;
  /** The session the change is about; absent for 'external'. */
  session?: FocusSession;
}

export interface FocusHistory {
  today: PeriodTotal;
  week: PeriodTotal;
  /** Newest first, focus and breaks, any state. */
  recent: FocusSession[];
  current: FocusSession | undefined;
}

export interface FocusServiceOptions {
  store: Store;
  logger: Logger;
  clock?: Clock;
  settings?: () => FocusSettings;
  /** Last user activity in any window (epoch ms), for idle auto-pause. */
  lastActivity?: () => number | undefined;
}

/** `settled`: what bringing the stored session up to now already changed (completed, auto-paused). */
type Step = (active: FocusSession | undefined, now: number, db: SqlDb, settled: readonly FocusChange[]) => FocusChange[];

/**
 * The focus timer over the `sessions` table. Every transition runs inside one store write, on the
 * freshest state under the cross-process lock, so two windows never both start, complete or notify.
 * A session whose due time passed while nobody looked is completed first, at its due time.
 */
export class FocusService implements Disposable {
  private readonly changes = new Emitter<FocusChange>();
  readonly onDidChange: Event<FocusChange> = this.changes.event;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly settings: () => FocusSettings;
  private readonly externalActivity: () => number | undefined;
  private ownActivity: number | undefined;
  private ticking: Promise<FocusChange[]> | undefined;
  private readonly clockWatch: ClockWatch;
  private readonly storeSubscription: Disposable;

  constructor(o: FocusServiceOptions) {
    this.store = o.store;
    this.logger = o.logger;
    this.clock = o.clock ?? systemClock;
    this.clockWatch = new ClockWatch(this.clock);
    this.settings = o.settings ?? (() => defaultFocusSettings);
    this.externalActivity = o.lastActivity ?? (() => undefined);
    this.storeSubscription = this.store.onDidChange((e) => {
      if (e.origin === 'external') this.changes.fire({ reason: 'external' });
    });
  }

  /** The running or paused session, as stored (a due one stays running until `tick()` completes it). */
  current(): FocusSession | undefined {
    return this.store.read(loadActive);
  }

  /** Whether `start()` would refuse now: a focus session runs or is paused, and is not yet due. */
  refusesStart(): boolean {
    const active = this.current();
    const due = active && timer.dueAt(active);
    return active?.kind === 'focus' && (due === undefined || this.clock.now() < due);
  }

  async start(input: { minutes?: unknown; label?: unknown } = {}): Promise<FocusSession> {
    const minutes = input.minutes === undefined ? this.settings().focusMinutes : parseMinutes(input.minutes);
    const label = parseLabel(input.label);
    return this.transact((active, now, db) => {
      const changes: FocusChange[] = [];
      if (active?.kind === 'focus') throw busy(active, now);
      // Starting to focus during a break ends the break early; it still counts as taken.
      if (active) changes.push(this.save(db, active, timer.complete(active, now), 'stopped'));
      const session = timer.begin({ id: uuidv7(now), kind: 'focus', breakType: null, label, minutes }, now);
      insertSession(db, session);
      return [...changes, { reason: 'started', session }];
    });
  }

  async startBreak(input: { long?: unknown; minutes?: unknown } = {}): Promise<FocusSession> {
    if (input.long !== undefined && typeof input.long !== 'boolean') {
      throw new FocusValidationError('invalid-break-type', '`long` must be true or false.');
    }
    const explicitMinutes = input.minutes === undefined ? undefined : parseMinutes(input.minutes);
    return this.transact((active, now, db) => {
      if (active?.kind === 'focus') {
        throw new FocusStateError('already-active', 'A focus session is still active. Stop it (it counts as done) or cancel it, then start the break.');
      }
      if (active) throw new FocusStateError('already-active', `A break is already ${active.state === 'paused' ? 'paused' : 'running'}.`);
      const settings = this.settings();
      const breakType: BreakType = input.long === undefined ? this.breakDue(db, now, settings) : input.long ? 'long' : 'short';
      const minutes = explicitMinutes ?? (breakType === 'long' ? settings.longBreakMinutes : settings.shortBreakMinutes);
      const session = timer.begin({ id: uuidv7(now), kind: 'break', breakType, label: null, minutes }, now);
      insertSession(db, session);
      return [{ reason: 'started', session }];
    });
  }

  pause(): Promise<FocusSession> {
    return this.act('pause', (s, now) => ({ next: timer.pause(s, now), reason: 'paused' }));
  }

  resume(): Promise<FocusSession> {
    return this.act('resume', (s, now) => ({ next: timer.resume(s, now), reason: 'resumed' }));
  }

  /** Ends the active session now and counts it as done. */
  stop(): Promise<FocusSession> {
    return this.act('stop', (s, now) => ({ next: timer.complete(s, now), reason: 'stopped' }));
  }

  cancel(): Promise<FocusSession> {
    return this.act('cancel', (s, now) => ({ next: timer.cancel(s, now), reason: 'cancelled' }));
  }

  /**
   * Completes a due session or auto-pauses an idle one. Cheap when nothing is due (one read, no write),
   * so the UI calls it every second. Concurrent calls share one run. With `completeAfterMs`, a due
   * session is left for that long past its due time (for another window to complete it; the session
   * still ends at its due time).
   */
  tick(o: { completeAfterMs?: number } = {}): Promise<FocusChange[]> {
    this.ticking ??= this.runTick(o.completeAfterMs ?? 0).finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  history(options: { recent?: number } = {}): FocusHistory {
    const now = this.clock.now();
    return this.store.read((db) => ({
      today: focusTotalSince(db, toIso(startOfLocalDay(now))),
      week: focusTotalSince(db, toIso(startOfLocalWeek(now))),
      recent: recentSessions(db, options.recent ?? 10),
      current: loadActive(db),
    }));
  }

  /** Milliseconds of the clock this service runs on, so views count down in the same time. */
  now(): number {
    return this.clock.now();
  }

  dispose(): void {
    this.storeSubscription.dispose();
    this.changes.dispose();
  }

  private async runTick(completeAfterMs: number): Promise<FocusChange[]> {
    const seen = this.current();
    const now = this.clock.now();
    if (!seen || !this.needsTick(seen, now, completeAfterMs)) {
      this.clockWatch.saw(seen, now);
      return [];
    }
    return this.commit((db) => {
      const changes: FocusChange[] = [];
      this.settleDue(db, this.clock.now(), changes, this.lastActivity(), completeAfterMs);
      return changes;
    });
  }

  private needsTick(s: FocusSession, now: number, completeAfterMs: number): boolean {
    // The clock went back: rebase the stored times.
    if (now < toMs(s.lastModified) || this.clockWatch.wentBackBy(s, now) > 0) return true;
    const due = timer.dueAt(s);
    if (due !== undefined && now >= due + completeAfterMs) return true;
    const idleMinutes = this.settings().autoPauseIdleMinutes;
    return idleMinutes > 0 && timer.autoPauseAt(s, this.lastActivity(), idleMinutes, now) !== undefined;
  }

  private lastActivity(): number | undefined {
    const external = this.externalActivity();
    if (external === undefined) return this.ownActivity;
    return this.ownActivity === undefined ? external : Math.max(external, this.ownActivity);
  }

  /** pause / resume / stop / cancel: a transition of the active session. */
  private async act(
    verb: string,
    fn: (s: FocusSession, now: number) => { next: FocusSession; reason: FocusChangeReason },
  ): Promise<FocusSession> {
    // Answer "nothing running" from a read, without a file write.
    if (!this.current()) throw nothingActive(verb);
    return this.transact((active, now, db, settled) => {
      if (!active) throw nothingActive(verb);
      // Paused for idleness on the way to this command: for a pause, that is the answer.
      if (verb === 'pause' && settled.some((c) => c.reason === 'auto-paused')) return [];
      const { next, reason } = fn(active, now);
      return [this.save(db, active, next, reason)];
    });
  }

  /**
   * Runs `step` in one store write after settling a due session; the last change's session is the
   * result. A FocusError from `step` is returned out of the write (so a settled completion still
   * commits and is reported) and thrown afterwards.
   */
  private async transact(step: Step): Promise<FocusSession> {
    // This command is activity, but the idle time before it still counts.
    const before = this.lastActivity();
    this.ownActivity = this.clock.now();
    let failure: FocusError | undefined;
    const changes = await this.commit((db) => {
      const now = this.clock.now();
      const changes: FocusChange[] = [];
      const active = this.settleDue(db, now, changes, before);
      try {
        changes.push(...step(active, now, db, [...changes]));
      } catch (err) {
        if (!(err instanceof FocusError)) throw err;
        failure = err;
      }
      return changes;
    });
    if (failure) throw failure;
    const session = changes[changes.length - 1]?.session;
    if (!session) throw new Error('focus transition produced no session');
    return session;
  }

  private async commit(fn: (db: SqlDb) => FocusChange[]): Promise<FocusChange[]> {
    const changes = await this.store.write(fn);
    for (const change of changes) {
      this.logger.info(`Focus ${change.reason}: ${change.session?.kind} ${change.session?.id}`);
      this.changes.fire(change);
    }
    return changes;
  }

  /** The active session after completing it if it is due; undefined once completed. */
  /**
   * Brings the stored active session up to `now` before anything else happens to it: an idle pause that
   * fell before its due time comes first (time away, asleep included, is not focus), else a session
   * that fell due completes. Returns the session still active, if any.
   */
  private settleDue(db: SqlDb, now: number, changes: FocusChange[], lastActivity = this.lastActivity(), completeAfterMs = 0): FocusSession | undefined {
    const stored = loadActive(db);
    this.clockWatch.saw(stored, now);
    if (!stored) return undefined;
    const active = timer.rebase(stored, now, this.clockWatch.wentBackBy(stored, now));
    if (active !== stored && !updateIfUnchanged(db, stored, active)) return undefined;
    const idleAt = timer.autoPauseAt(active, lastActivity, this.settings().autoPauseIdleMinutes, now);
    if (idleAt !== undefined) {
      const paused = timer.pause(active, idleAt, now);
      if (!updateIfUnchanged(db, active, paused)) return undefined;
      changes.push({ reason: 'auto-paused', session: paused });
      return paused;
    }
    const due = timer.dueAt(active);
    if (due !== undefined && now < due + completeAfterMs) return active;
    const settled = timer.settle(active, now);
    if (settled === active) return active;
    if (updateIfUnchanged(db, active, settled)) changes.push({ reason: 'completed', session: settled });
    return undefined;
  }

  private save(db: SqlDb, from: FocusSession, to: FocusSession, reason: FocusChangeReason): FocusChange {
    // Inside the write lock the row cannot have moved; a miss means the file changed under the lock.
    if (!updateIfUnchanged(db, from, to)) throw new Error(`session ${from.id} changed during its own transition`);
    return { reason, session: to };
  }

  private breakDue(db: SqlDb, now: number, settings: FocusSettings): BreakType {
    const dayStart = toIso(startOfLocalDay(now));
    const since = lastLongBreakSince(db, dayStart) ?? dayStart;
    return nextBreakType(focusTotalSince(db, since).sessions, settings.longBreakEvery);
  }
}

function nothingActive(verb: string): FocusStateError {
  return new FocusStateError('nothing-active', `Nothing to ${verb}: no focus session or break is running.`);
}

function busy(active: FocusSession, now: number): FocusStateError {
  const left = Math.ceil(timer.remainingSeconds(active, now) / 60);
  return new FocusStateError(
    'already-active',
    `A focus session is already ${active.state === 'paused' ? 'paused' : 'running'} (${left} min left). Stop or cancel it first.`,
  );
}
