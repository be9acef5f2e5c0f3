import { isClientError, type ClientError } from '../trailbase';

/**
 * What a failed request means for the sync engine:
 * - `offline`: the server cannot be reached (a 502 or 504 is a gateway saying so: a server restarting
 *   behind its proxy, unless the server was just seen answering); nothing is charged, the engine waits
 *   for it to come back;
 * - `signed-out`: the session is gone; nothing is charged, the user must sign in again;
 * - `permanent`: the server refused this change for good (validation, rules, missing record);
 * - `transient`: worth another attempt later (5xx, 429, a reply we could not read).
 */
export type FailureKind = 'offline' | 'signed-out' | 'permanent' | 'transient';

export interface Failure {
  kind: FailureKind;
  /** For the user: the client's message plus the server's own reason when it gave one. */
  message: string;
  retryAfterMs?: number;
  error: unknown;
}

export interface ClassifyOptions {
  /**
   * The server answered its status endpoint just now: a 502 or 504 is then about this request (a
   * gateway timing out one slow call), not the server being down, and is charged like a 5xx. Without
   * this a request the gateway always fails would go offline, be probed back, and fail again forever.
   */
  serverAnswered?: boolean;
}

export function classifyFailure(err: unknown, o: ClassifyOptions = {}): Failure {
  if (!isClientError(err)) {
    return { kind: 'transient', message: err instanceof Error ? err.message : String(err), error: err };
  }
  const message = describe(err);
  switch (err.kind) {
    case 'network':
      return { kind: 'offline', message, error: err };
    case 'rate-limited':
      return { kind: 'transient', message, error: err, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
    case 'server':
      return { kind: !o.serverAnswered && (err.status === 502 || err.status === 504) ? 'offline' : 'transient', message, error: err };
    case 'auth':
      return { kind: err.code === 'forbidden' ? 'permanent' : 'signed-out', message, error: err };
    case 'validation':
    case 'not-found':
    case 'sync':
      return { kind: 'permanent', message, error: err };
  }
}

function describe(err: ClientError): string {
  return err.reason && !err.message.includes(err.reason) ? `${err.message} (server said: ${err.reason})` : err.message;
}
