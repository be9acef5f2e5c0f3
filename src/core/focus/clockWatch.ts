import type { Clock } from '../clock';
import type { FocusSession } from './session';

/** A clock step back smaller than this is a time sync's slew or a late tick, not the clock being set back. */
const JUMP_MS = 2_000;

/**
 * How far the wall clock was set back since this window first read this version of the active session.
 * The stored times alone only show a step back behind the session's last change, so a session left
 * untouched for twenty minutes and then set back an hour would lose those twenty minutes. The step is
 * measured against a clock that cannot be set, so a clock put forward by mistake and then corrected
 * moves nothing. Only a window that read the same version of the row can tell; once another window
 * moved the row (its own rebase), the step is handled.
 */
export class ClockWatch {
  private seen: { id: string; lastModified: string; offset: number } | undefined;

  constructor(private readonly clock: Clock) {}

  /** Notes a reading of the active session: the first one of each version is the reference. */
  saw(s: FocusSession | undefined, now: number): void {
    const elapsed = this.clock.elapsed?.();
    if (!s || elapsed === undefined) {
      this.seen = undefined;
      return;
    }
    if (this.seen?.id === s.id && this.seen.lastModified === s.lastModified) return;
    this.seen = { id: s.id, lastModified: s.lastModified, offset: now - elapsed };
  }

  /** Milliseconds the wall clock was set back since the first reading of this version of `s`, or 0. */
  wentBackBy(s: FocusSession, now: number): number {
    const seen = this.seen;
    const elapsed = this.clock.elapsed?.();
    if (!seen || elapsed === undefined || seen.id !== s.id || seen.lastModified !== s.lastModified) return 0;
    const back = seen.offset - (now - elapsed);
    return back > JUMP_MS ? back : 0;
  }
}
