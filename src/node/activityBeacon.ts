import * as fs from 'fs';
import type { Clock } from '../core/clock';
import type { SharedActivity } from '../core/focus/sharedActivity';

/**
 * Activity shared by every window on the machine through a small file whose modification time is the
 * last activity. Writes are throttled; minutes-scale idle limits do not need more.
 */
export class ActivityBeacon implements SharedActivity {
  private local: number | undefined;
  private lastWritten = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly file: string,
    private readonly clock: Clock,
    private readonly writeEveryMs = 15_000,
  ) {}

  note(): void {
    const now = this.clock.now();
    this.local = now;
    if (now - this.lastWritten < this.writeEveryMs) return;
    this.lastWritten = now;
    try {
      fs.writeFileSync(this.file, '');
      fs.utimesSync(this.file, now / 1000, now / 1000);
    } catch {
      // Idle detection falls back to this window's own activity; nothing for the user to do.
    }
  }

  /** The latest activity seen by this window or written by any other. */
  lastActivity(): number | undefined {
    let shared: number | undefined;
    try {
      shared = fs.statSync(this.file).mtimeMs;
    } catch {
      shared = undefined;
    }
    if (shared === undefined) return this.local;
    return this.local === undefined ? shared : Math.max(shared, this.local);
  }
}
