import type { FocusSession } from './session';

/** A clock step back smaller than this is a time sync's slew or a late tick, not the clock being set back. */
const JUMP_MS = 2_000;

/**
 * How far the clock went back since this window last read it for the active session. The stored times
 * alone only show a step back behind the session's last change, so a session left untouched for twenty
 * minutes and then set back an hour would lose those twenty minutes. Only a window that read the same
 * version of the row can tell; once another window moved the row (its own rebase), the step is handled.
 */
export class ClockWatch {
  private seen: { id: string; lastModified: string; at: number } | undefined;

  /** Notes the clock at a reading of the active session (the latest reading of one version counts). */
  saw(s: FocusSession | undefined, now: number): void {
    if (!s) {
      this.seen = undefined;
      return;
    }
    const same = this.seen?.id === s.id && this.seen.lastModified === s.lastModified;
    this.seen = { id: s.id, lastModified: s.lastModified, at: same ? Math.max(this.seen!.at, now) : now };
  }

  /** Milliseconds the clock went back since the last reading of this version of `s`, or 0. */
  wentBackBy(s: FocusSession, now: number): number {
    const seen = this.seen;
    if (!seen || seen.id !== s.id || seen.lastModified !== s.lastModified) return 0;
    const back = seen.at - now;
    return back > JUMP_MS ? back : 0;
  }
}
