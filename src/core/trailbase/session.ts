import type { Clock } from '../clock';
import { Emitter, type Event } from '../events';
import type { Logger } from '../logger';
import { AuthError } from './errors';
import { decodeAuthToken, refreshMarginMs, type TokenClaims } from './jwt';
import { registerSecret } from './scrub';

/** What a signed-in session consists of. Persisted only through a `TokenStore`. */
export interface Tokens {
  authToken: string;
  refreshToken: string;
  csrfToken?: string;
}

/** Where tokens live between runs; in the extension this is VS Code `SecretStorage`. */
export interface TokenStore {
  load(): Promise<Tokens | undefined>;
  /** `undefined` removes the stored tokens. */
  save(tokens: Tokens | undefined): Promise<void>;
}

export interface SessionUser {
  /** TrailBase user id as in the token's `sub`: url-safe base64 of the user's UUID. */
  id: string;
  email?: string;
}

export interface AuthState {
  user: SessionUser;
  /** When the current auth token expires, epoch ms; it is refreshed 60 s before. */
  expiresAt: number;
}

/**
 * The refresh exchange itself, its reply already proven whole (a token for `userId`); a 401 must surface
 * as `AuthError` with code `session-expired`.
 */
export type RefreshExchange = (refreshToken: string, userId: string) => Promise<{ authToken: string; csrfToken?: string; claims: TokenClaims }>;

/**
 * Holds the current tokens and keeps them fresh. All callers that find the token due share one
 * in-flight refresh, so an expiry costs one refresh request whatever the concurrency.
 */
export class Session {
  private tokens: Tokens | undefined;
  private claims: TokenClaims | undefined;
  private inflight: Promise<Tokens> | undefined;
  private readonly authChange = new Emitter<AuthState | undefined>();
  readonly onAuthChange: Event<AuthState | undefined> = this.authChange.event;

  constructor(
    private readonly store: TokenStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly exchange: RefreshExchange,
  ) {}

  get state(): AuthState | undefined {
    if (!this.claims) return undefined;
    const user: SessionUser = { id: this.claims.userId, ...(this.claims.email ? { email: this.claims.email } : {}) };
    return { user, expiresAt: this.claims.expiresAt };
  }

  get current(): Tokens | undefined {
    return this.tokens;
  }

  /** Loads stored tokens without any network request, so a restart works offline too. */
  async restore(): Promise<AuthState | undefined> {
    const stored = await this.store.load();
    if (!stored) return undefined;
    const claims = decodeAuthToken(stored.authToken);
    if (!claims || !stored.refreshToken) {
      this.logger.warn('Stored TrailBase tokens are unreadable; they were removed and the user must sign in again.');
      await this.store.save(undefined);
      return undefined;
    }
    this.adopt(stored, claims);
    this.authChange.fire(this.state);
    return this.state;
  }

  /**
   * Starts a new session from a sign-in reply already proven whole. The tokens are stored first: when
   * that fails, the session is as it was before.
   */
  async begin(tokens: Tokens, claims: TokenClaims): Promise<AuthState> {
    await this.store.save(tokens);
    this.adopt(tokens, claims);
    const state = this.state as AuthState;
    this.authChange.fire(state);
    return state;
  }

  /**
   * Forgets the session locally: its stored tokens cleared, listeners told. Tokens another session saved
   * in the same place since (a new sign-in to the same server) are not this session's to clear.
   */
  async end(): Promise<void> {
    const mine = this.tokens;
    this.forget();
    const stored = mine ? await this.store.load().catch(() => undefined) : undefined;
    if (!mine || !stored || stored.refreshToken === mine.refreshToken) await this.store.save(undefined);
    if (mine) this.authChange.fire(undefined);
  }

  /** True when the token is inside its refresh margin (or past expiry) by our clock. */
  isDue(): boolean {
    if (!this.claims) return false;
    return this.clock.now() >= this.claims.expiresAt - refreshMarginMs(this.claims);
  }

  /**
   * Whether `used` had expired by the server's clock (its `Date` header) or ours. Record APIs answer 403
   * to an expired token, and our clock may lag the server's; only then is a 403 worth a refresh.
   */
  wasExpired(used: Tokens, serverDate: string | null): boolean {
    const claims = used === this.tokens ? this.claims : decodeAuthToken(used.authToken);
    if (!claims) return false;
    const serverNow = serverDate ? Date.parse(serverDate) : NaN;
    // `Date` has one-second resolution: a token expiring within that second counts as expired.
    if (!Number.isNaN(serverNow) && serverNow + 1000 >= claims.expiresAt) return true;
    return this.clock.now() >= claims.expiresAt;
  }

  /** The tokens to send now, refreshed first if they are due. Undefined when signed out. */
  async fresh(): Promise<Tokens | undefined> {
    if (this.tokens && this.isDue()) return this.refresh(this.tokens);
    return this.tokens;
  }

  /**
   * Refreshes unless someone already replaced `stale` (then the newer tokens are returned as they are).
   * Concurrent calls share one exchange.
   */
  refresh(stale: Tokens | undefined = this.tokens): Promise<Tokens> {
    if (!this.tokens) {
      return Promise.reject(new AuthError('signed-out', 'You are not signed in to a team. Sign in first.'));
    }
    if (stale !== this.tokens) return Promise.resolve(this.tokens);
    if (!this.inflight) {
      const started = this.tokens;
      this.inflight = this.runRefresh(started).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async runRefresh(started: Tokens): Promise<Tokens> {
    let minted: Awaited<ReturnType<RefreshExchange>>;
    try {
      minted = await this.exchange(started.refreshToken, (this.claims as TokenClaims).userId);
    } catch (err) {
      if (err instanceof AuthError && err.code === 'session-expired' && this.tokens === started) {
        this.logger.info('TrailBase refused the refresh token; signing out.');
        await this.end();
      }
      throw err;
    }
    const { claims } = minted;
    // TrailBase does not rotate refresh tokens: the old one stays valid and is kept.
    const next: Tokens = { authToken: minted.authToken, refreshToken: started.refreshToken, ...(minted.csrfToken ? { csrfToken: minted.csrfToken } : {}) };
    if (this.tokens !== started) return this.tokens ?? Promise.reject(new AuthError('signed-out', 'You signed out while the session was being renewed.'));
    this.adopt(next, claims);
    this.logger.debug(`TrailBase session renewed; valid until ${new Date(claims.expiresAt).toISOString()}.`);
    try {
      await this.store.save(next);
    } catch (err) {
      this.logger.warn('Could not store the renewed TrailBase session; it will be renewed again after a restart.', err instanceof Error ? err.message : String(err));
    }
    return next;
  }

  headers(tokens: Tokens | undefined): Record<string, string> {
    if (!tokens) return {};
    return { authorization: `Bearer ${tokens.authToken}` };
  }

  private adopt(tokens: Tokens, claims: TokenClaims): void {
    registerSecret(tokens.authToken);
    registerSecret(tokens.refreshToken);
    registerSecret(tokens.csrfToken);
    this.tokens = tokens;
    this.claims = claims;
  }

  private forget(): void {
    // Secrets stay registered with the scrubber: a stale token in a late log line must still be hidden.
    this.tokens = undefined;
    this.claims = undefined;
  }

  dispose(): void {
    this.authChange.dispose();
  }
}
