import { FocusStateError } from './errors';
import { type BreakType, type FocusSession, type SessionKind, toIso, toMs } from './session';

/**
 * The focus timer as pure transitions over a stored session. Elapsed time is always derived from the
 * stored timestamps (start, accumulated pause, pause start), never from counted ticks, so a session
 * read back after a reload, a restart or a machine sleep continues exactly where the clock says.
 */

export interface NewSession {
  id: string;
  kind: SessionKind;
  breakType: BreakType | null;
  label: string | null;
  minutes: number;
}

export function begin(n: NewSession, now: number): FocusSession {
  const at = toIso(now);
  return {
    id: n.id,
    kind: n.kind,
    breakType: n.kind === 'break' ? n.breakType : null,
    label: n.label,
    state: 'running',
    startTime: at,
    endTime: null,
    plannedMinutes: n.minutes,
    actualSeconds: null,
    pausedSeconds: 0,
    pausedAt: null,
    completed: false,
    createdAt: at,
    lastModified: at,
  };
}

/** When a running session reaches its planned length; undefined while paused or ended (it moves or is moot). */
export function dueAt(s: FocusSession): number | undefined {
  if (s.state !== 'running') return undefined;
  return toMs(s.startTime) + s.plannedMinutes * 60_000 + s.pausedSeconds * 1000;
}

/** Focused (not paused) milliseconds so far. */
export function elapsedMs(s: FocusSession, now: number): number {
  if ((s.state === 'completed' || s.state === 'cancelled') && s.actualSeconds !== null) return s.actualSeconds * 1000;
  const until = s.state === 'paused' && s.pausedAt ? toMs(s.pausedAt) : s.endTime ? toMs(s.endTime) : now;
  return Math.max(0, until - toMs(s.startTime) - s.pausedSeconds * 1000);
}

/** Whole seconds left, rounded up so the countdown shows 00:00 only when the session is due. */
export function remainingSeconds(s: FocusSession, now: number): number {
  if (s.state !== 'running' && s.state !== 'paused') return 0;
  return Math.max(0, Math.ceil((s.plannedMinutes * 60_000 - elapsedMs(s, now)) / 1000));
}

/**
 * Completes a running session whose due time has passed, at its due time rather than "now": a laptop
 * that slept through the end records the planned length, not the hours it was asleep.
 * Returns the same object when nothing is due.
 */
export function settle(s: FocusSession, now: number): FocusSession {
  const due = dueAt(s);
  if (due === undefined || now < due) return s;
  return { ...s, state: 'completed', completed: true, endTime: toIso(due), actualSeconds: s.plannedMinutes * 60, lastModified: toIso(now) };
}

/**
 * After the clock was set back (by hand, or a large time sync) the stored times lie in the future and
 * would count as no focus at all. They move back with the clock, by how far it went back behind the
 * row's last change or, when a window saw it go back further (`seenBack`), by that: the focus up to the
 * last reading is kept. Returns the same object when the clock did not go back.
 */
export function rebase(s: FocusSession, now: number, seenBack = 0): FocusSession {
  const back = Math.max(toMs(s.lastModified) - now, seenBack);
  if (back <= 0 || (s.state !== 'running' && s.state !== 'paused')) return s;
  const earlier = (iso: string) => toIso(toMs(iso) - back);
  return { ...s, startTime: earlier(s.startTime), pausedAt: s.pausedAt ? earlier(s.pausedAt) : null, lastModified: toIso(now) };
}

/** `at` is when the pause takes effect (auto-pause backdates it to when idleness began); `now` stamps the row. */
export function pause(s: FocusSession, at: number, now: number = at): FocusSession {
  if (s.state === 'paused') throw new FocusStateError('not-running', 'The session is already paused. Resume or stop it.');
  if (s.state !== 'running') throw new FocusStateError('not-running', `The session is ${s.state}; there is nothing to pause.`);
  return { ...s, state: 'paused', pausedAt: toIso(Math.max(at, toMs(s.startTime))), lastModified: toIso(now) };
}

export function resume(s: FocusSession, now: number): FocusSession {
  if (s.state !== 'paused' || !s.pausedAt) {
    throw new FocusStateError('not-paused', s.state === 'running' ? 'The session is already running.' : `The session is ${s.state}; there is nothing to resume.`);
  }
  return { ...foldPause(s, now), state: 'running', lastModified: toIso(now) };
}

/** Ends an active session now and counts it as done ("stop"). */
export function complete(s: FocusSession, now: number): FocusSession {
  return end(s, now, 'completed');
}

/** Ends an active session now without counting it; the focused time so far is still recorded. */
export function cancel(s: FocusSession, now: number): FocusSession {
  return end(s, now, 'cancelled');
}

/**
 * When idle auto-pause should take effect, or undefined. The pause is backdated to the moment the idle
 * threshold passed, but never before the row's last change (a resume), so pauses cannot overlap. Breaks
 * are never paused: stepping away from the keyboard is what a break is for.
 */
export function autoPauseAt(s: FocusSession, lastActivity: number | undefined, idleMinutes: number, now: number): number | undefined {
  if (s.kind !== 'focus' || s.state !== 'running' || idleMinutes <= 0 || lastActivity === undefined) return undefined;
  const at = Math.max(lastActivity + idleMinutes * 60_000, toMs(s.lastModified));
  const due = dueAt(s) ?? Infinity;
  return at <= now && at < due ? at : undefined;
}

function end(s: FocusSession, now: number, state: 'completed' | 'cancelled'): FocusSession {
  if (s.state !== 'running' && s.state !== 'paused') {
    throw new FocusStateError('nothing-active', `The session is already ${s.state}.`);
  }
  const folded = foldPause(s, now);
  const endMs = Math.max(now, toMs(s.startTime));
  const actualSeconds = Math.max(0, Math.round((endMs - toMs(s.startTime)) / 1000) - folded.pausedSeconds);
  return { ...folded, state, completed: state === 'completed', endTime: toIso(endMs), actualSeconds, lastModified: toIso(now) };
}

/** Moves an open pause into `pausedSeconds`, so `end - start - pausedSeconds` is always the focused time. */
function foldPause(s: FocusSession, now: number): FocusSession {
  if (!s.pausedAt) return s;
  const pausedFor = Math.max(0, Math.round((now - toMs(s.pausedAt)) / 1000));
  return { ...s, pausedSeconds: s.pausedSeconds + pausedFor, pausedAt: null };
}
