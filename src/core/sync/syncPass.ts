import type { Connection } from '../team/connection';
import type { SyncSettings } from './engineOptions';
import type { Failure } from './engineErrors';
import { pullChanges } from './pull';
import { pushQueue, type PushOptions } from './push';

export interface SyncPassOptions extends Pick<PushOptions, 'store' | 'queue' | 'registry' | 'client' | 'clock' | 'logger' | 'onWindow' | 'classify'> {
  settings: SyncSettings;
  connection: Connection;
  /** This version of FocusFlow (see unreadable.ts). */
  reader: string;
}

export interface SyncPassResult {
  synced: number;
  pulled: number;
  /** Local data changed (acknowledged or failed changes, pulled rows): views repaint. */
  changed: boolean;
  /** The push stopped without charging anyone (offline, signed out); nothing was pulled. */
  stopped?: Failure;
  /** The pull failed after the push went through (what the push did still counts). */
  pullError?: unknown;
}

/**
 * One pass of a sync run, under the engine's lease: push the queue, then (unless the push stopped)
 * pull each collection since its checkpoint and note the completed sync. Throws what the push throws.
 */
export async function pushThenPull(o: SyncPassOptions): Promise<SyncPassResult> {
  const push = await pushQueue({
    store: o.store,
    queue: o.queue,
    registry: o.registry,
    client: o.client,
    clock: o.clock,
    logger: o.logger,
    batchSize: o.settings.batchSize,
    onWindow: o.onWindow,
    classify: o.classify,
  });
  const changed = push.acknowledged + push.failed > 0;
  if (push.stopped) return { synced: push.acknowledged, pulled: 0, changed, stopped: push.stopped };
  let pull;
  try {
    pull = await pullChanges({
    store: o.store,
    queue: o.queue,
    registry: o.registry,
    client: o.client,
    logger: o.logger,
    strategy: o.settings.conflictStrategy,
    userId: o.connection.userId,
    scope: `${o.connection.serverUrl} ${o.connection.userId}`,
    reader: o.reader,
    });
    await o.store.write((db) => o.queue.noteSyncCompleted(db, o.clock.now()));
  } catch (pullError) {
    return { synced: push.acknowledged, pulled: 0, changed, pullError };
  }
  return { synced: push.acknowledged, pulled: pull.applied, changed: changed || pull.applied > 0 };
}
