/**
 * Capped exponential backoff, the one timing every retry in FocusFlow uses (sync queue, offline probe,
 * requests, live-stream reconnects). The delay before attempt n+1 is drawn from [0, min(cap, base·2^(n-1))).
 */
export interface BackoffPolicy {
  /** Delay scale after the first failure. */
  baseMs: number;
  /** No single wait is longer than this. */
  capMs: number;
}

/** For work queued offline: 2 s growing to 10 minutes. */
export const defaultBackoff: BackoffPolicy = { baseMs: 2_000, capMs: 10 * 60_000 };

/** The upper bound of the delay after `failures` consecutive failures (1 = the first failure). */
export function backoffCeiling(failures: number, policy: BackoffPolicy = defaultBackoff): number {
  const exponent = Math.max(0, Math.floor(failures) - 1);
  // 2^exponent overflows to Infinity long after it passed any sane cap, which min() handles.
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/**
 * Full jitter (uniform between zero and the ceiling): many clients that failed together, e.g. when the
 * server restarted, come back spread out instead of in lockstep. `random` returns [0, 1).
 */
export function backoffDelay(failures: number, random: () => number = Math.random, policy: BackoffPolicy = defaultBackoff): number {
  return Math.floor(random() * backoffCeiling(failures, policy));
}
