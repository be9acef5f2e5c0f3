import type { Clock } from '../clock';

/** The one timer of the sync engine: when the next run is due, and why. */
export class RunTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (reason: string) => void,
  ) {}

  /** Asks for a run after `delayMs` unless one is already due sooner. */
  schedule(reason: string, delayMs: number): void {
    if (this.dueWithin(delayMs)) return;
    clearTimeout(this.timer);
    this.due = this.clock.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due = Infinity;
      this.fire(reason);
    }, Math.max(0, delayMs));
  }

  /** Whether a run is already due within `delayMs`. */
  dueWithin(delayMs: number): boolean {
    return this.timer !== undefined && this.due <= this.clock.now() + delayMs;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = Infinity;
  }
}
