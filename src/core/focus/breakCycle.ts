import type { BreakType } from './session';

/**
 * Pomodoro's cycle: every `longBreakEvery`-th completed focus session earns a long break. The count
 * restarts after a long break and at the start of each day, so yesterday's sessions do not turn the
 * first break of the morning into a long one.
 */
export function nextBreakType(completedFocusInCycle: number, longBreakEvery: number): BreakType {
  return longBreakEvery > 0 && completedFocusInCycle >= longBreakEvery ? 'long' : 'short';
}
