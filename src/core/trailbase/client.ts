import type { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import type { Event } from '../events';
import type { Logger } from '../logger';
import * as auth from './auth';
import { parseSignIn, type SignedIn } from './authReplies';
import { SecondFactorRequiredError } from './errors';
import { HttpTransport, MAX_REPLY_BYTES } from './http';
import { loginMfaCall, normalizeTotpCode, type PendingSignIn } from './mfa';
import { browserOrigin } from './originRefusal';
import { RequestPipeline } from './pipeline';
import { RecordApi, type RecordApiOptions } from './records';
import { defaultRetryPolicy, type RetryPolicy } from './retry';
import { scrubbingLogger } from './scrubbingLogger';
import { Session, type AuthState, type SessionUser, type TokenStore } from './session';
import { runTransaction, type TransactionOptions, type TransactionOp, type TransactionResult } from './transaction';
import { validateServerUrl } from './url';

export interface TrailBaseClientOptions {
  serverUrl: string;
  tokenStore: TokenStore;
  logger: Logger;
  clock?: Clock;
  /** Per request, including reading the body; a function is asked at each request (a setting). Default 15 s. */
  timeoutMs?: number | (() => number);
  retry?: Partial<RetryPolicy>;
  /** Replies longer than this are refused unread. Default `MAX_REPLY_BYTES` (32 MiB). */
  maxReplyBytes?: number;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * The origin a browser sends with this runtime's requests; defaults to the runtime's own (none under
   * Node). With one, a request the browser withheld is probed to tell a CORS refusal from an unreachable
   * server. Injected in tests.
   */
  pageOrigin?: string;
}

/**
 * The one way FocusFlow talks to a TrailBase server: auth that survives restarts (tokens in the injected
 * `TokenStore`), records, transactions and subscriptions. Every failure is a `ClientError`, and every
 * reply is parsed to its final typed form before anything is kept or acted on.
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
  private readonly session: Session;
  private readonly pipeline: RequestPipeline;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(o: TrailBaseClientOptions) {
    this.serverUrl = validateServerUrl(o.serverUrl);
    this.logger = scrubbingLogger(o.logger);
    this.clock = o.clock ?? systemClock;
    const timeoutMs = o.timeoutMs ?? 15_000;
    const timeout = typeof timeoutMs === 'function' ? timeoutMs : () => timeoutMs;
    const fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const pageOrigin = 'pageOrigin' in o ? o.pageOrigin : browserOrigin();
    const originProbe = pageOrigin === undefined ? undefined : { origin: pageOrigin, fetch: fetchImpl };
    this.pipeline = new RequestPipeline(this.serverUrl, {
      http: new HttpTransport(this.serverUrl, timeout, fetchImpl, o.maxReplyBytes ?? MAX_REPLY_BYTES, originProbe),
      session: () => this.session,
      retryPolicy: { ...defaultRetryPolicy, ...o.retry },
      logger: this.logger,
      clock: this.clock,
      fetch: fetchImpl,
      timeout,
      originProbe,
    });
    this.session = new Session(o.tokenStore, this.clock, this.logger, (refreshToken, userId) => auth.exchangeRefreshToken(this.pipeline, refreshToken, userId));
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

  register(email: string, password: string): Promise<{ message: string }> {
    return auth.register(this.pipeline, email, password);
  }

  /**
   * Signs in; a reply that is not whole (a token FocusFlow cannot read included) changes nothing here.
   * With `totp`, an account that needs a second factor is signed in with it; without, that is a
   * SecondFactorRequiredError whose `pending` goes to `completeSignIn`.
   */
  async login(email: string, password: string, totp?: string): Promise<AuthState> {
    if (totp !== undefined) normalizeTotpCode(totp);
    const signedIn = await auth.login(this.pipeline, this.clock, email, password).catch((err: unknown) =>
      totp !== undefined && err instanceof SecondFactorRequiredError ? this.secondFactor(err.pending, totp) : Promise.reject(err),
    );
    return this.session.begin(signedIn.tokens, signedIn.claims);
  }

  /** Completes a sign-in that stopped at its second factor, with the authenticator app's code. */
  async completeSignIn(pending: PendingSignIn, totp: string): Promise<AuthState> {
    const signedIn = await this.secondFactor(pending, totp);
    return this.session.begin(signedIn.tokens, signedIn.claims);
  }

  private secondFactor(pending: PendingSignIn, totp: string): Promise<SignedIn> {
    return this.pipeline.call(loginMfaCall(pending, totp, this.clock, parseSignIn));
  }

  /**
   * Ends the session on the server and forgets it here. Local sign-out always happens, even when the
   * server cannot be reached; `serverSessionEnded` says whether the server confirmed it.
   */
  async logout(): Promise<{ serverSessionEnded: boolean }> {
    const tokens = this.session.current;
    const serverSessionEnded = tokens ? await auth.logout(this.pipeline, this.logger, tokens) : false;
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
    return (await auth.status(this.pipeline, signal)) ? this.session.state : undefined;
  }

  records<T>(api: string, schema: z.ZodType<T>, options: RecordApiOptions = {}): RecordApi<T> {
    return new RecordApi(this.pipeline, api, schema, options);
  }

  /** Runs up to 128 create/update/delete operations in one request (atomically unless told otherwise). */
  transaction(ops: readonly TransactionOp[], options: TransactionOptions = {}): Promise<TransactionResult[]> {
    return runTransaction(this.pipeline, ops, options);
  }

  dispose(): void {
    this.session.dispose();
  }
}
