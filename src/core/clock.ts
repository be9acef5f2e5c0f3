/** Wall-clock time in epoch milliseconds; injected so timers and backoff can be tested with a fake. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
