// TrailBase's auth tokens (auth/jwt.rs, auth/tokens.rs): EdDSA (Ed25519) JWTs whose claims are
// sub (padded url-safe base64 user id), iat, exp, type 1, provider, email, username, csrf_token;
// opaque 86-character refresh tokens stored as sessions. The signing key lives in the data dir
// (as TrailBase keeps it under traildepot/secrets), so tokens stay valid across restarts.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomInt, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromB64, toB64 } from './uuid';

export interface AuthClaims {
  sub: string;
  iat: number;
  exp: number;
  type: number;
  admin?: boolean;
  mfa?: boolean;
  provider: number;
  email: string | null;
  username: string | null;
  csrf_token: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomAlphanumeric(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return s;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export class JwtKeys {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** Verified tokens, so a client's every request does not pay for an Ed25519 verification. */
  private readonly verified = new Map<string, AuthClaims>();

  constructor(dataDir: string) {
    const dir = join(dataDir, 'secrets', 'keys');
    const file = join(dir, 'private_key.pem');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    this.privateKey = createPrivateKey(readFileSync(file));
    this.publicKey = createPublicKey(this.privateKey);
  }

  encode(claims: AuthClaims | PendingClaims): string {
    const input = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'EdDSA' }))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign(null, Buffer.from(input), this.privateKey))}`;
  }

  /** Valid, unexpired auth-token claims, or undefined for anything else. */
  decode(token: string): AuthClaims | undefined {
    const known = this.verified.get(token);
    if (known) return known.exp < Date.now() / 1000 ? undefined : known;
    const claims = this.verifyToken(token);
    if (claims) {
      if (this.verified.size >= 1000) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
    }
    return claims;
  }

  /**
   * A pending sign-in's claims (`PendingAuthTokenClaims`, type 2), or undefined. As TrailBase decodes it
   * with jsonwebtoken's default `Validation`, `exp` has 60 s of leeway; an auth token is no pending one.
   */
  decodePending(token: string): PendingClaims | undefined {
    const claims = this.verifySignature(token) as Partial<PendingClaims> | undefined;
    if (!claims || claims.type !== 2 || claims.method !== 'pw' || typeof claims.exp !== 'number') return undefined;
    if (claims.exp + JWT_LEEWAY_SEC < Date.now() / 1000 || typeof claims.sub !== 'string' || !fromB64(claims.sub)) return undefined;
    return claims as PendingClaims;
  }

  private verifyToken(token: string): AuthClaims | undefined {
    const claims = this.verifySignature(token) as AuthClaims | undefined;
    if (!claims || claims.type !== 1 || typeof claims.exp !== 'number' || claims.exp < Date.now() / 1000) return undefined;
    if (typeof claims.csrf_token !== 'string' || !fromB64(claims.sub)) return undefined;
    return claims;
  }

  private verifySignature(token: string): unknown {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string };
      if (header.alg !== 'EdDSA') return undefined;
      if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
      return JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as unknown;
    } catch {
      return undefined;
    }
  }
}

/** jsonwebtoken's default `Validation::leeway`, which TrailBase's `JwtHelper` keeps. */
const JWT_LEEWAY_SEC = 60;

/** `PendingAuthTokenClaims` (auth/jwt.rs): what a password sign-in of an account with a TOTP secret gets. */
export interface PendingClaims {
  sub: string;
  exp: number;
  type: 2;
  method: 'pw';
}

export function newPendingClaims(user: { id: Buffer }, ttlSec: number): PendingClaims {
  return { sub: toB64(user.id), exp: Math.floor(Date.now() / 1000) + ttlSec, type: 2, method: 'pw' };
}

export function newClaims(
  user: { id: Buffer; email: string | null; username: string | null; admin: number; totp_secret?: string | null },
  ttlSec: number,
): AuthClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: toB64(user.id),
    iat: now,
    exp: now + ttlSec,
    type: 1,
    ...(user.admin ? { admin: true } : {}),
    ...(user.totp_secret ? { mfa: true } : {}),
    provider: 0,
    email: user.email,
    username: user.username,
    csrf_token: randomAlphanumeric(20),
  };
}
