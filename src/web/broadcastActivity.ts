import type { Clock } from '../core/clock';
import type { SharedActivity } from '../core/focus/sharedActivity';

/**
 * Activity shared by the browser tabs of one profile through a BroadcastChannel: a browser has no file
 * whose time every window can read, and no view of activity outside its own tabs. Messages are throttled
 * as the desktop's beacon file writes are.
 */
export class BroadcastActivity implements SharedActivity {
  private local: number | undefined;
  private shared: number | undefined;
  private lastSent = Number.NEGATIVE_INFINITY;
  private readonly channel: BroadcastChannel | undefined;

  constructor(
    name: string,
    private readonly clock: Clock,
    private readonly sendEveryMs = 15_000,
  ) {
    try {
      this.channel = new BroadcastChannel(name);
      this.channel.onmessage = (event: MessageEvent) => {
        const at = (event.data as { at?: unknown } | null)?.at;
        if (typeof at === 'number' && Number.isFinite(at)) this.shared = Math.max(this.shared ?? at, at);
      };
    } catch {
      // No channel (an old browser): idle detection uses this tab's own activity.
      this.channel = undefined;
    }
  }

  note(): void {
    const now = this.clock.now();
    this.local = now;
    if (now - this.lastSent < this.sendEveryMs) return;
    this.lastSent = now;
    this.channel?.postMessage({ at: now });
  }

  lastActivity(): number | undefined {
    if (this.shared === undefined) return this.local;
    return this.local === undefined ? this.shared : Math.max(this.shared, this.local);
  }

  dispose(): void {
    this.channel?.close();
  }
}
