import { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import type { Event } from '../events';
import type { Logger } from '../logger';
import { AuthError, RateLimitedError, SecondFactorRequiredError, ValidationError, type ClientError } from './errors';
import { HttpTransport, type HttpMethod, type HttpReply } from './http';
import { loginMfaCall, normalizeTotpCode, secondFactorRequired, type PendingSignIn } from './mfa';
import { RecordApi, type RecordApiOptions } from './records';
import { errorFromReply, isOk, parseJsonReply, type ReplyContext } from './replies';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry';
import { scrubbingLogger } from './scrubbingLogger';
import { Session, type AuthState, type SessionUser, type TokenStore, type Tokens } from './session';
import { runTransaction, type TransactionOptions, type TransactionOp, type TransactionResult } from './transaction';
import { isEmailAddress, validateServerUrl } from './url';

export interface TrailBaseClientOptions {
  serverUrl: string;
  tokenStore: TokenStore;
  logger: Logger;
  clock?: Clock;
  /** Per request, including reading the body; a function is asked at each request (a setting). Default 15 s. */
  timeoutMs?: number | (() => number);
  retry?: Partial<RetryPolicy>;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** One request as the record and auth APIs describe it; see `TrailBaseClient.call`. */
export interface CallSpec<T> {
  method: HttpMethod;
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  signal?: AbortSignal;
  /** Send the bearer token (refreshing it first when due). */
  auth: boolean;
  /** May be sent again after a transient failure without changing the outcome. */
  idempotent: boolean;
  ctx: Omit<ReplyContext, 'host'>;
  /** Turns a 2xx reply into the result; throws a typed error for a malformed one. */
  onReply: (reply: HttpReply, ctx: ReplyContext) => T;
  /**
   * Statuses outside 2xx that count as success on the given attempt (0-based); e.g. a retried DELETE
   * answered 404 because its first attempt did delete the row before the reply was lost.
   */
  acceptStatus?: (status: number, attempt: number) => boolean;
  /** Endpoint-specific meaning of an error status; falls back to the general mapping. */
  onError?: (reply: HttpReply, ctx: ReplyContext) => ClientError | undefined;
}

const AUTH = '/api/auth/v1';
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

const loginReply = z.object({ auth_token: z.string().min(1), refresh_token: z.string().min(1), csrf_token: z.string().nullish() });
const refreshReply = z.object({ auth_token: z.string().min(1), csrf_token: z.string().nullish() });
const statusReply = z.object({ auth_token: z.string().nullish(), refresh_token: z.string().nullish(), csrf_token: z.string().nullish() });

/**
 * The one way FocusFlow talks to a TrailBase server: auth that survives restarts (tokens in the injected
 * `TokenStore`), records, transactions and subscriptions. Every failure is a `ClientError`.
 *
 * Retries: only idempotent requests are retried (network errors, 502/503/504, 429). GET, PATCH (it sets
 * the same values again) and DELETE are idempotent; a create is idempotent when every record carries its
 * client-generated id, because the server then refuses or ignores the repeat instead of adding a second
 * row (`conflict_resolution`, api reference §7). Login and register are never retried.
 */
export class TrailBaseClient {
  static validateServerUrl(url: string): URL {
    return validateServerUrl(url);
  }

  readonly serverUrl: URL;
  readonly onAuthChange: Event<AuthState | undefined>;
  private readonly http: HttpTransport;
  private readonly session: Session;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly retryPolicy: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly timeout: () => number;

  constructor(o: TrailBaseClientOptions) {
    this.serverUrl = validateServerUrl(o.serverUrl);
    this.logger = scrubbingLogger(o.logger);
    this.clock = o.clock ?? systemClock;
    const timeoutMs = o.timeoutMs ?? 15_000;
    this.timeout = typeof timeoutMs === 'function' ? timeoutMs : () => timeoutMs;
    this.retryPolicy = { ...defaultRetryPolicy, ...o.retry };
    this.fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.http = new HttpTransport(this.serverUrl, this.timeout, this.fetchImpl);
    this.session = new Session(o.tokenStore, this.clock, this.logger, (refreshToken) => this.exchangeRefreshToken(refreshToken));
    this.onAuthChange = this.session.onAuthChange;
  }

  get user(): SessionUser | undefined {
    return this.session.state?.user;
  }

  get authState(): AuthState | undefined {
    return this.session.state;
  }

  /** Signs back in from the token store, without a network request (works offline). */
  restore(): Promise<AuthState | undefined> {
    return this.session.restore();
  }

  async register(email: string, password: string): Promise<{ message: string }> {
    checkEmail(email);
    if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw new ValidationError('bad-input', `Choose a password of ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
    }
    await this.call({
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

  /** With `totp`, an account that needs a second factor is signed in with it; without, that is a SecondFactorRequiredError. */
  async login(email: string, password: string, totp?: string): Promise<AuthState> {
    checkEmail(email);
    if (totp !== undefined) normalizeTotpCode(totp);
    const tokens = await this.call({
      method: 'POST',
      path: `${AUTH}/login`,
      body: { email, password },
      auth: false,
      idempotent: false,
      ctx: { what: 'signing in' },
      onReply: loginTokens,
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
          return secondFactorRequired(reply, this.serverUrl, email) ?? new AuthError('forbidden', 'This server does not allow signing in with a password. Ask your server admin how to sign in.', { status: 403 });
        }
        if (reply.status === 429) {
          const limited = errorFromReply(reply, { what: 'signing in', host: this.serverUrl.host }, this.clock.now());
          if (limited.kind === 'rate-limited') {
            const wait = limited.retryAfterMs === undefined ? 'a minute' : `${Math.ceil(limited.retryAfterMs / 1000)} s`;
            return new RateLimitedError(`Too many failed sign-in attempts. Wait ${wait}, check your password, and try again.`, limited.retryAfterMs, { status: 429 });
          }
        }
        return undefined;
      },
    }).catch((err: unknown) => (totp !== undefined && err instanceof SecondFactorRequiredError ? this.secondFactor(err.pending, totp) : Promise.reject(err)));
    return this.session.begin(tokens);
  }

  /** Completes a sign-in that stopped at its second factor, with the authenticator app's code. */
  async completeSignIn(pending: PendingSignIn, totp: string): Promise<AuthState> {
    return this.session.begin(await this.secondFactor(pending, totp));
  }

  private secondFactor(pending: PendingSignIn, totp: string): Promise<Tokens> {
    return this.call(loginMfaCall(pending, totp, this.clock, loginTokens));
  }

  /**
   * Ends the session on the server and forgets it here. Local sign-out always happens, even when the
   * server cannot be reached; `serverSessionEnded` says whether the server confirmed it.
   */
  async logout(): Promise<{ serverSessionEnded: boolean }> {
    const tokens = this.session.current;
    let serverSessionEnded = false;
    if (tokens) {
      try {
        await this.call({
          method: 'POST',
          path: `${AUTH}/logout`,
          body: { refresh_token: tokens.refreshToken },
          auth: false,
          // Asked once: signing out here never waits on the server, so retrying would only keep the user waiting.
          idempotent: false,
          ctx: { what: 'signing out' },
          onReply: () => undefined,
        });
        serverSessionEnded = true;
      } catch (err) {
        this.logger.warn('Signing out on the TrailBase server failed; signed out locally only.', err instanceof Error ? err.message : String(err));
      }
    }
    await this.session.end();
    return { serverSessionEnded };
  }

  /** Renews the auth token now (normally it happens on its own 60 s before expiry). */
  async refresh(): Promise<AuthState> {
    await this.session.refresh();
    return this.session.state as AuthState;
  }

  /** Asks the server whether the session is still good; undefined when it does not know us. */
  async status(signal?: AbortSignal): Promise<AuthState | undefined> {
    if (!this.session.current) return undefined;
    const reply = await this.call({
      method: 'GET',
      path: `${AUTH}/status`,
      auth: true,
      idempotent: true,
      ...(signal ? { signal } : {}),
      ctx: { what: 'checking your sign-in' },
      onReply: (r, ctx) => parseJsonReply(r, statusReply, ctx, 'JSON {auth_token, refresh_token, csrf_token}'),
    });
    return reply.auth_token ? this.session.state : undefined;
  }

  records<T>(api: string, schema: z.ZodType<T>, options: RecordApiOptions = {}): RecordApi<T> {
    return new RecordApi(this, api, schema, options);
  }

  /** Runs up to 128 create/update/delete operations in one request (atomically unless told otherwise). */
  transaction(ops: readonly TransactionOp[], options: TransactionOptions = {}): Promise<TransactionResult[]> {
    return runTransaction(this, ops, options);
  }

  /**
   * @internal For `RecordApi`, transactions and subscriptions in this folder.
   * Sends one request through auth, retries and error mapping. A 403 answered to a token that had
   * expired (record APIs never say 401) is answered by one refresh and one more try.
   */
  call<T>(spec: CallSpec<T>): Promise<T> {
    const ctx: ReplyContext = { ...spec.ctx, host: this.serverUrl.host };
    return withRetry(
      { idempotent: spec.idempotent, policy: this.retryPolicy, logger: this.logger, label: `${spec.method} ${spec.path}`, ...(spec.signal ? { signal: spec.signal } : {}) },
      async (attempt) => {
        const { reply } = await this.authorized(spec.auth, (headers) =>
          this.http.send({
            method: spec.method,
            path: spec.path,
            headers,
            ...(spec.query ? { query: spec.query } : {}),
            ...(spec.body !== undefined ? { body: spec.body } : {}),
            ...(spec.signal ? { signal: spec.signal } : {}),
          }).then((r) => ({ reply: r, status: r.status, date: r.headers.get('date') })),
        );
        if (isOk(reply) || spec.acceptStatus?.(reply.status, attempt)) return spec.onReply(reply, ctx);
        throw spec.onError?.(reply, ctx) ?? errorFromReply(reply, ctx, this.clock.now());
      },
    );
  }

  /** @internal Runs `send` with the current bearer token, refreshing and sending once more on a 403-while-expired. */
  async authorized<R extends { status: number; date: string | null }>(auth: boolean, send: (headers: Record<string, string>) => Promise<R>): Promise<R> {
    const used = auth ? await this.session.fresh() : undefined;
    const first = await send(this.session.headers(used));
    if (first.status !== 403 || !used || !this.session.wasExpired(used, first.date)) return first;
    this.logger.debug('TrailBase answered 403 to an expired token; renewing it and trying once more.');
    const renewed = await this.session.refresh(used);
    return send(this.session.headers(renewed));
  }

  /** @internal For subscriptions: the URL of `path` on this server, and the fetch to stream it with. */
  streamTarget(path: string, query?: URLSearchParams): { url: string; fetch: typeof fetch; timeoutMs: number; logger: Logger; clock: Clock } {
    return { url: this.http.url(path, query), fetch: this.fetchImpl, timeoutMs: this.timeout(), logger: this.logger, clock: this.clock };
  }

  dispose(): void {
    this.session.dispose();
  }

  private exchangeRefreshToken(refreshToken: string): Promise<{ authToken: string; csrfToken?: string }> {
    return this.call({
      method: 'POST',
      path: `${AUTH}/refresh`,
      body: { refresh_token: refreshToken },
      auth: false,
      // Refresh tokens are not rotated, so asking twice is harmless.
      idempotent: true,
      ctx: { what: 'renewing your sign-in' },
      onReply: (reply, ctx) => {
        const t = parseJsonReply(reply, refreshReply, ctx, 'JSON {auth_token, csrf_token}');
        return { authToken: t.auth_token, ...(t.csrf_token ? { csrfToken: t.csrf_token } : {}) };
      },
      onError: (reply) =>
        reply.status === 401
          ? new AuthError('session-expired', 'Your team session has ended (it expired or was signed out elsewhere). Sign in to your team again.', { status: 401 })
          : undefined,
    });
  }
}

function loginTokens(reply: HttpReply, ctx: ReplyContext): Tokens {
  const t = parseJsonReply(reply, loginReply, ctx, 'JSON {auth_token, refresh_token}');
  return { authToken: t.auth_token, refreshToken: t.refresh_token, ...(t.csrf_token ? { csrfToken: t.csrf_token } : {}) };
}

function checkEmail(email: string): void {
  if (!isEmailAddress(email)) throw new ValidationError('bad-input', `"${email}" is not an email address. Enter the email you registered with.`);
}
