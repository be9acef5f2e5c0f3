// Two-factor sign-in (TrailBase's login.rs): a password sign-in of an account with a TOTP secret is
// answered `403 {"mfa_token"}`, a pending token good for 2 minutes; `POST login_mfa` with that token
// and the authenticator app's 6-digit code completes it with the usual tokens. TrailBase answers a
// wrong code and an expired or unknown token alike (an empty 401), so the token's own `exp` tells the
// two apart here.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { CallSpec } from './call';
import { AuthError, SecondFactorRequiredError, ValidationError } from './errors';
import type { HttpReply } from './http';
import { decodeAuthToken } from './jwt';
import type { ReplyContext } from './replies';

const mfaTokenReply = z.object({ mfa_token: z.string().min(1) });

/**
 * A password sign-in waiting for its second factor. The pending token is as good as the password for
 * 2 minutes, so it lives in a private field: no message, log line, `JSON.stringify` or inspection shows it.
 */
export class PendingSignIn {
  readonly #token: string;
  /** Epoch ms after which the server no longer takes the token; undefined if it did not say. */
  readonly expiresAt: number | undefined;

  constructor(token: string, readonly serverUrl: string, readonly email: string) {
    this.#token = token;
    this.expiresAt = decodeAuthToken(token)?.expiresAt;
  }

  /** @internal For `login_mfa` only. */
  token(): string {
    return this.#token;
  }

  toJSON(): { serverUrl: string; email: string } {
    return { serverUrl: this.serverUrl, email: this.email };
  }
}

/** The "second factor needed" error when a 403 carries an `mfa_token`; undefined for any other 403. */
export function secondFactorRequired(reply: HttpReply, serverUrl: URL, email: string): SecondFactorRequiredError | undefined {
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return undefined;
  }
  const parsed = mfaTokenReply.safeParse(body);
  if (!parsed.success) return undefined;
  return new SecondFactorRequiredError(new PendingSignIn(parsed.data.mfa_token, serverUrl.toString().replace(/\/$/, ''), email), serverUrl.host);
}

/** The code as TrailBase compares it: 6 digits. Spaces and dashes that apps show in the middle are dropped. */
export function normalizeTotpCode(code: string): string {
  const digits = code.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(digits)) {
    throw new ValidationError('bad-input', 'Enter the 6-digit code your authenticator app shows for this account.');
  }
  return digits;
}

/** The `login_mfa` request; `toTokens` reads the reply as a password sign-in's. */
export function loginMfaCall<T>(pending: PendingSignIn, code: string, clock: Clock, toTokens: (reply: HttpReply, ctx: ReplyContext) => T): CallSpec<T> {
  return {
    method: 'POST',
    path: '/api/auth/v1/login_mfa',
    body: { mfa_token: pending.token(), totp: normalizeTotpCode(code) },
    auth: false,
    // A code may be used once per server policy; never send it twice on our own.
    idempotent: false,
    ctx: { what: 'checking your sign-in code' },
    onReply: toTokens,
    onError: (reply) => {
      if (reply.status === 401 || reply.status === 424) {
        // A token at or past its exp is refused (TrailBase allows a minute's leeway, which we do not count on).
        if (reply.status === 424 || (pending.expiresAt !== undefined && clock.now() >= pending.expiresAt)) {
          return new AuthError(
            'mfa-expired',
            `The sign-in to ${new URL(pending.serverUrl).host} waited too long for its code and has lapsed. Sign in again with your password and then the current code.`,
            { status: reply.status },
          );
        }
        return new AuthError(
          'mfa-code-wrong',
          `That code was not accepted. Type the code your authenticator app shows for ${pending.email} now; if it keeps failing, check that this computer's clock is right.`,
          { status: 401 },
        );
      }
      return undefined;
    },
  };
}
