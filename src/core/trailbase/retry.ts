import type { Logger } from '../logger';
import { backoffDelay, type BackoffPolicy } from '../backoff';
import { sleep as realSleep } from './waits';
import { isClientError, type ClientError } from './errors';

export interface RetryPolicy extends BackoffPolicy {
  /** Retries after the first attempt (so `retries + 1` attempts at most). */
  retries: number;
  /** A `Retry-After` longer than this is not waited for: the error goes to the caller instead. */
  maxRetryAfterMs: number;
  /** Injected in tests. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 4,
  baseMs: 250,
  capMs: 8_000,
  maxRetryAfterMs: 60_000,
  sleep: realSleep,
  random: Math.random,
};

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Whether `err` is worth another attempt of an idempotent request. */
export function isTransient(err: ClientError): boolean {
  // a CORS refusal is the server's setting: asking again in a second gets the same answer
  if (err.kind === 'network') return err.code !== 'origin-refused';
  if (err.kind === 'rate-limited') return true;
  return err.kind === 'server' && err.code === 'server-error' && err.status !== undefined && RETRYABLE_STATUS.has(err.status);
}

/** How long to wait before retry number `attempt` (0-based): the server's Retry-After if it gave one. */
export function retryDelayMs(err: ClientError, attempt: number, policy: RetryPolicy): number {
  const retryAfter = err.kind === 'rate-limited' ? err.retryAfterMs : undefined;
  return retryAfter ?? backoffDelay(attempt + 1, policy.random, policy);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy is spent. Only idempotent requests
 * come here with `idempotent: true`; the others get exactly one attempt.
 */
export async function withRetry<T>(
  o: { idempotent: boolean; policy: RetryPolicy; logger: Logger; label: string; signal?: AbortSignal },
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!o.idempotent || !isClientError(err) || !isTransient(err) || n >= o.policy.retries) throw err;
      const delay = retryDelayMs(err, n, o.policy);
      if (delay > o.policy.maxRetryAfterMs) throw err;
      o.logger.info(`${o.label} failed (${err.status ?? err.kind}); retry ${n + 1} of ${o.policy.retries} in ${delay} ms.`);
      await o.policy.sleep(delay, o.signal);
    }
  }
}
