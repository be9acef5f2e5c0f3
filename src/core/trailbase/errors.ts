import type { PendingSignIn } from './mfa';
import { scrubSecrets } from './scrub';

/**
 * Every failure of the TrailBase client is one of these classes, told apart by `kind` (a discriminated
 * union, as the desktop original had). `message` is written for the user and always says what to do next;
 * `reason` is the server's own explanation where it is safe to show (scrubbed of tokens, shortened).
 */
export type ClientError =
  | NetworkError
  | AuthError
  | SyncError
  | ValidationError
  | NotFoundError
  | RateLimitedError
  | ServerError;

export type ClientErrorKind = ClientError['kind'];

interface ErrorDetails {
  reason?: string;
  status?: number;
  cause?: unknown;
}

const MAX_REASON_CHARS = 300;

abstract class TrailBaseErrorBase extends Error {
  abstract readonly kind: string;
  readonly reason?: string;
  readonly status?: number;

  constructor(message: string, details: ErrorDetails = {}) {
    super(scrubSecrets(message), details.cause === undefined ? undefined : { cause: describeCause(details.cause) });
    if (details.reason !== undefined) this.reason = shorten(scrubSecrets(details.reason));
    if (details.status !== undefined) this.status = details.status;
    this.name = new.target.name;
  }
}

export type NetworkErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'origin-refused'; // in a browser: the server answered, but its CORS settings do not allow this page's origin
/** The server could not be reached or did not answer in time (or, in a browser, withheld by CORS). Retryable. */
export class NetworkError extends TrailBaseErrorBase {
  readonly kind = 'network' as const;
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}

export type AuthErrorCode =
  | 'invalid-credentials' // wrong email/password, or the email is not verified yet (TrailBase says 401 to both)
  | 'mfa-required' // the password was right; a 6-digit code is needed too (SecondFactorRequiredError)
  | 'mfa-code-wrong' // the code was refused; the pending sign-in still holds, type the current one
  | 'mfa-expired' // the pending sign-in lapsed (2 minutes): start again with the password
  | 'signed-out' // no session: sign in first
  | 'session-expired' // the refresh token was refused: sign in again
  | 'forbidden' // signed in, but the server's rules deny this
  | 'signup-disabled';
export class AuthError extends TrailBaseErrorBase {
  readonly kind = 'auth' as const;
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}

/**
 * The password was right and the account needs its authenticator code too. `pending` completes the
 * sign-in (`TrailBaseClient.completeSignIn`); it keeps its token to itself, so logging this is safe.
 */
export class SecondFactorRequiredError extends AuthError {
  constructor(readonly pending: PendingSignIn, host: string) {
    super(
      'mfa-required',
      `Signing in as ${pending.email} on ${host} needs the 6-digit code from your authenticator app. Run "Connect to Team Server" to enter it (from code: pass credentials.totp).`,
      { status: 403 },
    );
  }
}

/** Raised by the sync layer (e.g. a conflict it cannot resolve); the client itself never throws it. */
export class SyncError extends TrailBaseErrorBase {
  readonly kind = 'sync' as const;
}

export type ValidationErrorCode =
  | 'bad-url'
  | 'bad-request' // the server refused the input (400), e.g. a unique violation
  | 'not-trailbase' // 405: not a TrailBase server, or this record API is not configured
  | 'bad-input'; // refused before sending, e.g. more than 128 operations
export class ValidationError extends TrailBaseErrorBase {
  readonly kind = 'validation' as const;
  constructor(
    readonly code: ValidationErrorCode,
    message: string,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}

export class NotFoundError extends TrailBaseErrorBase {
  readonly kind = 'not-found' as const;
}

export class RateLimitedError extends TrailBaseErrorBase {
  readonly kind = 'rate-limited' as const;
  constructor(
    message: string,
    /** From the server's `Retry-After`; undefined when it sent none. */
    readonly retryAfterMs: number | undefined,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}

export type ServerErrorCode =
  | 'server-error'
  | 'bad-reply' // not what a TrailBase server sends: HTML, truncated, invalid UTF-8, wrongly shaped
  | 'reply-too-large'; // over the documented bound (`MAX_REPLY_BYTES`), refused before it is parsed
/**
 * A 5xx, or a reply that is not what a TrailBase server sends: `expected` names what we wanted, `field`
 * the first part of the reply that was wrong (`auth_token.sub`, `records.3.id`) when one was.
 */
export class ServerError extends TrailBaseErrorBase {
  readonly kind = 'server' as const;
  readonly expected?: string;
  readonly field?: string;
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    details?: ErrorDetails & { expected?: string; field?: string },
  ) {
    super(message, details);
    if (details?.expected !== undefined) this.expected = details.expected;
    if (details?.field !== undefined) this.field = details.field;
  }
}

export function isClientError(e: unknown): e is ClientError {
  return e instanceof TrailBaseErrorBase;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON_CHARS ? `${oneLine.slice(0, MAX_REASON_CHARS)}…` : oneLine;
}

/** Causes keep only a scrubbed message: a raw fetch error may carry request details we do not control. */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return scrubSecrets(`${cause.name}: ${cause.message}${inner}`);
  }
  return scrubSecrets(String(cause));
}
