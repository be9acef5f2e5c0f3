import type { Clock } from '../clock';
import type { Event } from '../events';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { ConnectionState } from '../team/connection';
import type { BackoffPolicy } from '../backoff';
import type { ConflictStrategy } from './conflict';
import type { EntityRegistry } from '../entities/registry';
import { toLocalId } from '../ids';
import { SyncQueue } from './queue';

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

/** The queue with the current settings, for the signed-in account (whose changes it may send). */
export function queueFor(o: SyncEngineOptions, state: ConnectionState): SyncQueue {
  const s = o.settings();
  return new SyncQueue({
    registry: o.registry,
    clock: o.clock,
    ...(state.status === 'connected' ? { owner: toLocalId(state.connection.userId) } : {}),
    maxAttempts: s.maxAttempts,
    batchSize: s.batchSize,
    ...(o.backoff ? { backoff: o.backoff } : {}),
    ...(o.random ? { random: o.random } : {}),
  });
}
