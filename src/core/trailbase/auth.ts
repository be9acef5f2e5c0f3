import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { parseRefresh, parseSignIn, statusReply, type SignedIn } from './authReplies';
import type { Caller } from './call';
import { AuthError, RateLimitedError, ValidationError } from './errors';
import { secondFactorRequired } from './mfa';
import { errorFromReply, parseJsonReply } from './replies';
import type { TokenClaims } from './jwt';
import type { Tokens } from './session';
import { isEmailAddress } from './url';

// The auth endpoints (`/api/auth/v1`), each as one request; the session decides what to keep.
const AUTH = '/api/auth/v1';
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

export async function register(caller: Caller, email: string, password: string): Promise<{ message: string }> {
  checkEmail(email);
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new ValidationError('bad-input', `Choose a password of ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
  }
  await caller.call({
    method: 'POST',
    path: `${AUTH}/register`,
    body: { email, password, password_repeat: password },
    auth: false,
    idempotent: false,
    ctx: { what: 'creating your account' },
    onReply: () => undefined,
    onError: (reply) =>
      reply.status === 403
        ? new AuthError('signup-disabled', 'This server does not allow creating accounts. Ask your server admin to create one for you.', { status: 403 })
        : undefined,
  });
  // TrailBase answers the same whether or not the address already had an account, so we cannot say which.
  return {
    message: `Check the inbox of ${email} for a verification link and open it, then sign in. If you already had an account with this address, just sign in.`,
  };
}

/** Signs in; the reply is proven whole (tokens and their claims) before the caller keeps anything. */
export function login(caller: Caller, clock: Clock, email: string, password: string): Promise<SignedIn> {
  checkEmail(email);
  return caller.call({
    method: 'POST',
    path: `${AUTH}/login`,
    body: { email, password },
    auth: false,
    idempotent: false,
    ctx: { what: 'signing in' },
    onReply: parseSignIn,
    onError: (reply) => {
      // TrailBase answers a wrong password and an unverified address alike: an empty 401.
      if (reply.status === 401) {
        return new AuthError(
          'invalid-credentials',
          `Sign-in failed: the email or password is wrong, or ${email} is not verified yet. Check both, or open the verification link sent to ${email}, then try again.`,
          { status: 401 },
        );
      }
      if (reply.status === 403) {
        return (
          secondFactorRequired(reply, caller.serverUrl, email) ??
          new AuthError('forbidden', 'This server does not allow signing in with a password. Ask your server admin how to sign in.', { status: 403 })
        );
      }
      if (reply.status === 429) {
        const limited = errorFromReply(reply, { what: 'signing in', host: caller.serverUrl.host }, clock.now());
        if (limited.kind === 'rate-limited') {
          const wait = limited.retryAfterMs === undefined ? 'a minute' : `${Math.ceil(limited.retryAfterMs / 1000)} s`;
          return new RateLimitedError(`Too many failed sign-in attempts. Wait ${wait}, check your password, and try again.`, limited.retryAfterMs, { status: 429 });
        }
      }
      return undefined;
    },
  });
}

/** Ends the session on the server; true when it confirmed. Never throws: signing out here must not wait on it. */
export async function logout(caller: Caller, logger: Logger, tokens: Tokens): Promise<boolean> {
  try {
    await caller.call({
      method: 'POST',
      path: `${AUTH}/logout`,
      body: { refresh_token: tokens.refreshToken },
      auth: false,
      // Asked once: signing out here never waits on the server, so retrying would only keep the user waiting.
      idempotent: false,
      ctx: { what: 'signing out' },
      onReply: () => undefined,
    });
    return true;
  } catch (err) {
    logger.warn('Signing out on the TrailBase server failed; signed out locally only.', err instanceof Error ? err.message : String(err));
    return false;
  }
}

/** Whether the server still knows the session. */
export async function status(caller: Caller, signal?: AbortSignal): Promise<boolean> {
  const reply = await caller.call({
    method: 'GET',
    path: `${AUTH}/status`,
    auth: true,
    idempotent: true,
    ...(signal ? { signal } : {}),
    ctx: { what: 'checking your sign-in' },
    onReply: (r, ctx) => parseJsonReply(r, statusReply, ctx, 'JSON {auth_token, refresh_token, csrf_token}'),
  });
  return Boolean(reply.auth_token);
}

/** A new auth token for `refreshToken`, checked to be for `userId`. */
export function exchangeRefreshToken(caller: Caller, refreshToken: string, userId: string): Promise<{ authToken: string; csrfToken?: string; claims: TokenClaims }> {
  return caller.call({
    method: 'POST',
    path: `${AUTH}/refresh`,
    body: { refresh_token: refreshToken },
    auth: false,
    // Refresh tokens are not rotated, so asking twice is harmless.
    idempotent: true,
    ctx: { what: 'renewing your sign-in' },
    onReply: (reply, ctx) => parseRefresh(reply, ctx, userId),
    onError: (reply) =>
      reply.status === 401
        ? new AuthError('session-expired', 'Your team session has ended (it expired or was signed out elsewhere). Sign in to your team again.', { status: 401 })
        : undefined,
  });
}

function checkEmail(email: string): void {
  if (!isEmailAddress(email)) throw new ValidationError('bad-input', `"${email}" is not an email address. Enter the email you registered with.`);
}
