import type { Clock } from '../clock';
import type { TrailBaseClient } from '../trailbase';
import type { BackoffPolicy } from '../backoff';
import { classifyFailure } from './engineErrors';

export interface OfflineProbeOptions {
  clock: Clock;
  /** First delay and cap of the probes. */
  policy: BackoffPolicy;
  /** Whether probing `client` still makes sense (still connected with it, engine not disposed). */
  stillWanted(client: TrailBaseClient): boolean;
  /** The server answered: time for a sync run. */
  onReachable(): void;
  /** The reason changed. */
  onChange(): void;
}

/**
 * While the server is unreachable: why, since when, and a probe of its status endpoint at growing
 * delays, which hands over to a sync run as soon as the server answers.
 */
export class OfflineProbe {
  /** Why the server is taken to be unreachable; undefined while it is not. */
  reason: string | undefined;
  /** When it went offline (epoch ms). */
  since = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The client the pending probe asks through. */
  private probing: TrailBaseClient | undefined;
  private failures = 0;

  constructor(private readonly o: OfflineProbeOptions) {}

  goOffline(client: TrailBaseClient, reason: string): void {
    if (!this.reason) this.since = this.o.clock.now();
    this.reason = reason;
    this.o.onChange();
    // A probe through a client the connection has since replaced would find itself unwanted and stop.
    if (this.timer && this.probing === client) return;
    clearTimeout(this.timer);
    this.probing = client;
    const delay = Math.min(this.o.policy.capMs, this.o.policy.baseMs * 2 ** Math.min(this.failures, 20));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.o.stillWanted(client)) return;
      // Failures are only forgotten after a whole run succeeds: a server that answers the probe but still
      // fails the run keeps being probed less and less often.
      this.failures++;
      client.status().then(
        () => this.o.onReachable(),
        (err: unknown) => {
          // The connection moved on to another client while this probe waited: that client has its own.
          if (!this.o.stillWanted(client)) return;
          const failure = classifyFailure(err);
          this.goOffline(client, failure.kind === 'offline' ? reason : failure.message);
        },
      );
    }, delay);
  }

  backOnline(): void {
    this.failures = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reason = undefined;
  }
}
