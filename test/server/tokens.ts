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

  encode(claims: AuthClaims): string {
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

  private verifyToken(token: string): AuthClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string };
      if (header.alg !== 'EdDSA') return undefined;
      if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as AuthClaims;
      if (claims.type !== 1 || typeof claims.exp !== 'number' || claims.exp < Date.now() / 1000) return undefined;
      if (!fromB64(claims.sub)) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}

export function newClaims(user: { id: Buffer; email: string | null; username: string | null; admin: number }, ttlSec: number): AuthClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: toB64(user.id),
    iat: now,
    exp: now + ttlSec,
    type: 1,
    ...(user.admin ? { admin: true } : {}),
    provider: 0,
    email: user.email,
    username: user.username,
    csrf_token: randomAlphanumeric(20),
  };
}
