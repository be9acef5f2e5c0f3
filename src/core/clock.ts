/** Wall-clock time in epoch milliseconds; injected so timers and backoff can be tested with a fake. */
export interface Clock {
  now(): number;
  /**
   * Milliseconds on a clock that only moves forward with time, whatever is done to the wall clock: the
   * difference between the two shows when the wall clock was set. Absent on clocks that cannot tell.
   */
  elapsed?(): number;
}

export const systemClock: Clock = { now: () => Date.now(), elapsed: () => performance.now() };
