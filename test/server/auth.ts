// Auth API v1 (auth/api/*.rs): register with email verification, login with a second factor where
// the account has a TOTP secret, refresh (refresh tokens are not rotated), logout, status. Failures
// are 401 for bad credentials, codes or tokens, 400 with a plain-text reason for bad input, 429 after
// 3 failed logins on an account within 60 s.
import { isEmail } from './email';
import { HttpError } from './errors';
import { empty, json, jsonBody, jsonOrFormBody, text, type Reply, type Req } from './http';
import type { User } from './recordApi';
import { newClaims, newPendingClaims, type JwtKeys } from './tokens';
import { checkTotp } from './totp';
import { fromB64, toB64 } from './uuid';
import { checkPassword, type UserRow, type Users } from './users';

export interface AuthOptions {
  authTokenTtlSec: number;
  refreshTokenTtlSec: number;
  autoVerify: boolean;
  /** Lifetime of a pending two-factor sign-in; TrailBase's `DEFAULT_MFA_TOKEN_TTL` is 2 minutes. */
  mfaTokenTtlSec?: number;
  log: (line: string) => void;
  baseUrl: () => string;
}

export class AuthApi {
  private readonly failures = new Map<string, number[]>();
  /** Verification mails "sent" (TrailBase's dev mode prints them); tests read them via /__test__/mail. */
  readonly outbox: { to: string; link: string }[] = [];

  constructor(private readonly users: Users, private readonly jwt: JwtKeys, private readonly o: AuthOptions) {}

  /** The caller of a record API: a valid bearer token (or auth_token cookie), else anonymous. */
  userOf(req: Req): User | undefined {
    const claims = this.jwt.decode(bearer(req) ?? cookie(req, 'auth_token') ?? '');
    if (!claims) return undefined;
    const id = fromB64(claims.sub);
    return id ? { id, email: claims.email } : undefined;
  }

  handle(req: Req, route: string): Reply {
    switch (`${req.method} ${route}`) {
      case 'POST login': return this.login(req);
      case 'POST login_mfa': return this.loginMfa(req);
      case 'POST register': return this.register(req);
      case 'POST refresh': return this.refresh(req);
      case 'POST logout': return this.logoutOne(req);
      case 'GET logout': return this.logoutAll(req);
      case 'GET status': return this.status(req);
      case 'POST verify_email/trigger': return this.triggerVerification(req);
    }
    const confirm = /^verify_email\/confirm\/([A-Za-z0-9]+)$/.exec(route);
    if (confirm && req.method === 'GET') {
      return this.users.verify(confirm[1]) ? text('email verified') : text('Invalid verification code', 400);
    }
    const known = ['login', 'login_mfa', 'register', 'refresh', 'logout', 'status', 'verify_email/trigger'];
    throw new HttpError(known.includes(route) || confirm ? 405 : 404);
  }

  private mint(user: UserRow): { auth_token: string; csrf_token: string } {
    const claims = newClaims(user, this.o.authTokenTtlSec);
    return { auth_token: this.jwt.encode(claims), csrf_token: claims.csrf_token };
  }

  private login(req: Req): Reply {
    const body = asObject(jsonOrFormBody(req));
    const identifier = loginIdentifier(body);
    const password = str(body.password);
    if (!identifier || !password) throw new HttpError(400, 'Missing credentials');
    // TrailBase counts failed logins per existing account, and answers 401 and 429 with no body: a
    // client cannot tell a wrong password from an unverified address.
    const now = Date.now();
    const user = this.users.byLogin(identifier);
    const account = user ? toB64(user.id) : undefined;
    const recent = ((account && this.failures.get(account)) || []).filter((t) => t > now - 60_000);
    if (recent.length >= 3) throw new HttpError(429);
    if (!user || !account || !checkPassword(password, user.password_hash)) {
      if (account) this.failures.set(account, [...recent, now]);
      throw new HttpError(401);
    }
    if (user.email === null) throw new HttpError(401);
    // login.rs `login_handler`: a right password of an account with a TOTP secret is only the first
    // factor; the pending token names the user and is good for `login_mfa` only.
    if (user.totp_secret !== null) {
      const pending = newPendingClaims(user, this.o.mfaTokenTtlSec ?? 120);
      return json({ mfa_token: this.jwt.encode(pending) }, 403);
    }
    return json({ ...this.mint(user), refresh_token: this.users.newSession(user.id) });
  }

  /**
   * login.rs `login_mfa_handler`: 400 "TOTP missing" without a code, 401 (empty) for a bad, expired or
   * foreign pending token and for a wrong code, 424 when the account has no TOTP secret (any more).
   * TrailBase counts no failed codes here: the pending token's 2 minutes are the only limit.
   */
  private loginMfa(req: Req): Reply {
    const body = asObject(jsonOrFormBody(req));
    if (typeof body.mfa_token !== 'string') throw new HttpError(400, 'Json(JsonDataError(missing field `mfa_token`))');
    if (body.totp === undefined || body.totp === null) throw new HttpError(400, 'TOTP missing');
    if (typeof body.totp !== 'string') throw new HttpError(400, 'Json(JsonDataError(invalid type: expected a string at `totp`))');
    const claims = this.jwt.decodePending(body.mfa_token);
    const id = claims && fromB64(claims.sub);
    const user = id ? this.users.byId(id) : undefined;
    if (!user) throw new HttpError(401);
    if (user.totp_secret === null) throw new HttpError(424);
    let valid: boolean;
    try {
      valid = checkTotp(user.totp_secret, body.totp);
    } catch {
      throw new HttpError(500); // a stored secret that is not base32
    }
    if (!valid) throw new HttpError(401);
    return json({ ...this.mint(user), refresh_token: this.users.newSession(user.id) });
  }

  private register(req: Req): Reply {
    const body = asObject(jsonOrFormBody(req));
    const email = str(body.email);
    const password = str(body.password);
    if (!email || !isEmail(email.trim())) throw new HttpError(400, 'Invalid email');
    // password.rs `validate_password_policy`: the repeat first, then the length in UTF-8 bytes (Rust's len()).
    if (password === undefined || password !== str(body.password_repeat)) throw new HttpError(400, "Passwords don't match");
    if (Buffer.byteLength(password) < 8) throw new HttpError(400, 'Password too short');
    if (Buffer.byteLength(password) > 128) throw new HttpError(400, 'Password too long');
    // An address that already exists answers success too, so sign-up reveals nothing.
    if (this.users.byLogin(email)) return text('registered');
    const user = this.users.create(email, password, false);
    this.sendVerification(user);
    return text('registered');
  }

  createVerifiedUser(email: string, password: string, totpSecret?: string): UserRow {
    if (!isEmail(email) || password.length < 8) throw new HttpError(400, 'Invalid email or password');
    if (this.users.byLogin(email)) throw new HttpError(400, 'User exists');
    return this.users.create(email, password, true, totpSecret);
  }

  private sendVerification(user: UserRow): void {
    const code = this.users.newVerificationCode(user.id);
    const link = `${this.o.baseUrl()}/api/auth/v1/verify_email/confirm/${code}`;
    this.outbox.push({ to: String(user.unverified_email), link });
    if (this.o.autoVerify) {
      this.users.verify(code);
      this.o.log(`auto-verified ${user.unverified_email}: ${link}`);
    } else {
      this.o.log(`verification email for ${user.unverified_email}: ${link}`);
    }
  }

  private triggerVerification(req: Req): Reply {
    const email = str(asObject(jsonOrFormBody(req)).email);
    const user = email ? this.users.byLogin(email) : undefined;
    if (user && user.email === null) this.sendVerification(user);
    return empty();
  }

  private refresh(req: Req): Reply {
    const token = str(asObject(jsonOrFormBody(req)).refresh_token);
    const user = token ? this.users.sessionUser(token, this.o.refreshTokenTtlSec) : undefined;
    if (!user || user.email === null) throw new HttpError(401);
    return json(this.mint(user));
  }

  private logoutOne(req: Req): Reply {
    const token = str(asObject(jsonBody(req)).refresh_token);
    if (token === undefined) throw new HttpError(422, 'Failed to deserialize the JSON body into the target type: missing field `refresh_token`');
    this.users.deleteSession(token);
    return empty();
  }

  private logoutAll(req: Req): Reply {
    const user = this.userOf(req);
    if (user) this.users.deleteAllSessions(user.id);
    return text('logged out');
  }

  private status(req: Req): Reply {
    const token = bearer(req) ?? cookie(req, 'auth_token');
    const claims = token ? this.jwt.decode(token) : undefined;
    if (!token || !claims) return json({ auth_token: null, refresh_token: null, csrf_token: null });
    const refreshToken = header(req, 'refresh-token') ?? cookie(req, 'refresh_token');
    if (refreshToken) {
      const user = this.users.sessionUser(refreshToken, this.o.refreshTokenTtlSec);
      if (!user || user.email === null) throw new HttpError(401);
      const minted = this.mint(user);
      return json({ auth_token: minted.auth_token, refresh_token: refreshToken, csrf_token: minted.csrf_token });
    }
    return json({ auth_token: token, refresh_token: null, csrf_token: claims.csrf_token });
  }
}

/**
 * The account named by a login body, validated as login.rs does: `email_or_username` is an address when
 * it has an `@`, else a username; `email` must be an address. Invalid ones are 400s, not 401s.
 */
function loginIdentifier(body: Record<string, unknown>): string | undefined {
  const either = str(body.email_or_username);
  const email = either !== undefined ? (either.includes('@') ? either : undefined) : str(body.email);
  if (email !== undefined) {
    if (!isEmail(email.trim())) throw new HttpError(400, 'Invalid email');
    return email.trim();
  }
  const username = (either ?? str(body.username))?.trim();
  if (username === undefined) return undefined;
  if (username.length < 3) throw new HttpError(400, 'username too short');
  if (username.length > 32) throw new HttpError(400, 'username too long');
  if (!/^\p{L}[\p{L}\p{N}]*$/u.test(username)) throw new HttpError(400, 'username contains invalid characters');
  return username;
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'Expected an object');
  return v as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function header(req: Req, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bearer(req: Req): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  return m?.[1].trim();
}

function cookie(req: Req, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
