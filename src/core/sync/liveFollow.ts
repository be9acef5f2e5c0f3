import { z } from 'zod';
import type { Disposable } from '../events';
import { toLocalId, uuidToBase64 } from '../ids';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { Subscription, TrailBaseClient } from '../trailbase';
import { echoesLocalState } from './liveEcho';
import type { SyncQueue } from './queue';
import type { EntityRegistry } from '../entities/registry';

const anyRow = z.unknown();

export interface LiveFollowOptions {
  store: Store;
  registry: EntityRegistry;
  logger: Logger;
  queue(): SyncQueue;
  /** Delay between a teammate's change arriving live and the pull that fetches it. */
  delayMs: number;
  /** Whether a run is already due within `ms` (then an event needs no lookup at all). */
  runDueWithin(ms: number): boolean;
  schedule(reason: string, delayMs: number): void;
}

/**
 * Live changes of the active team over TrailBase's SSE subscriptions: each event asks the engine for a
 * pull shortly after (events are not replayed, so the pull is what fetches them).
 */
export class LiveFollow implements Disposable {
  private live: { key: string; account: string; client: TrailBaseClient; streams: Subscription[] } | undefined;

  constructor(private readonly o: LiveFollowOptions) {}

  /**
   * Follows `teamId` as `account` over `client` (none: no streams). Returns why a run is due when this
   * is a new account or team, or undefined when nothing changed.
   */
  follow(client: TrailBaseClient, account: string, teamId: string | undefined, subscribe: boolean): 'connected' | 'active team changed' | undefined {
    const key = `${account} ${teamId ?? ''}`;
    if (this.live?.key === key && this.live.client === client) return undefined;
    const reason = this.live?.account === account ? 'active team changed' : 'connected';
    this.dispose();
    this.live = { key, account, client, streams: teamId && subscribe ? this.subscribe(client, teamId) : [] };
    return reason;
  }

  dispose(): void {
    for (const s of this.live?.streams ?? []) s.dispose();
    this.live = undefined;
  }

  private subscribe(client: TrailBaseClient, teamId: string): Subscription[] {
    const team = uuidToBase64(toLocalId(teamId));
    const { delayMs } = this.o;
    const sessions = this.o.registry.byApiName('shared_sessions');
    return ['shared_sessions', 'members'].map((api) =>
      client.records(api, anyRow).subscribe(
        '*',
        {
          onEvent: (event) => {
            // A run already due covers the event (a teammate's burst sends thousands): nothing to look up.
            if (this.o.runDueWithin(delayMs)) return;
            if (api === 'shared_sessions' && sessions && echoesLocalState(this.o.store, this.o.queue(), sessions, event.record)) return;
            this.o.schedule('live change', delayMs);
          },
          onResync: () => this.o.schedule('live stream resumed', delayMs),
          onError: (err: { message: string }) => this.o.logger.debug(`Live sync stream: ${err.message}`),
        },
        { where: { team } },
      ),
    );
  }
}
