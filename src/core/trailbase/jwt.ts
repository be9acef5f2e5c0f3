import { z } from 'zod';
import { fromBase64 } from '../bytes';
import { isBase64Id } from '../ids';
import { describeIssue } from './replies';

/** Seconds since the epoch up to the year 9999: a later `exp` is not a time at all (and breaks `Date`). */
const epochSeconds = z.number().min(0).max(253_402_300_799);

/**
 * The claims we read from a TrailBase auth token (`auth/jwt.rs`); the signature is the server's business.
 * `sub` is the user's UUID in TrailBase's id form: every reader of the user id downstream relies on it.
 */
const claimsSchema = z.object({
  sub: z.string().refine(isBase64Id, { error: 'must be a TrailBase user id (url-safe base64 with padding)' }),
  exp: epochSeconds,
  iat: epochSeconds.optional(),
  email: z.string().max(320).nullish(),
  csrf_token: z.string().nullish(),
});

/** The compact form of a JWT: three url-safe base64 parts; anything else cannot go in a header. */
const JWT_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_CHARS = 16_384;

export interface TokenClaims {
  /** TrailBase's id form, checked. */
  userId: string;
  email?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Epoch milliseconds; undefined when the token has no `iat`. */
  issuedAt?: number;
}

export type TokenReading = { ok: true; claims: TokenClaims } | { ok: false; field: string; problem: string };

/** Reads the payload of a JWT; on failure, names the claim (`sub`, `exp`) or `''` for the token as a whole. */
export function readAuthToken(token: string): TokenReading {
  if (token.length > MAX_TOKEN_CHARS || !JWT_FORM.test(token)) return { ok: false, field: '', problem: 'not a JSON Web Token' };
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(token.split('.')[1])));
  } catch {
    return { ok: false, field: '', problem: 'a token whose claims are not JSON' };
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: issue?.path.join('.') ?? '', problem: describeIssue(parsed.error) };
  }
  const c = parsed.data;
  return {
    ok: true,
    claims: {
      userId: c.sub,
      ...(c.email ? { email: c.email } : {}),
      expiresAt: c.exp * 1000,
      ...(c.iat !== undefined ? { issuedAt: c.iat * 1000 } : {}),
    },
  };
}

/** Decodes the payload of a JWT; undefined when it is not a JWT carrying the claims above. */
export function decodeAuthToken(token: string): TokenClaims | undefined {
  const reading = readAuthToken(token);
  return reading.ok ? reading.claims : undefined;
}

/**
 * How long before `exp` we refresh: 60 s, but never more than half the token's lifetime, so a server
 * configured with very short tokens does not make us refresh before every single request.
 */
export function refreshMarginMs(claims: TokenClaims, marginMs = 60_000): number {
  if (claims.issuedAt === undefined) return marginMs;
  return Math.min(marginMs, Math.max(0, (claims.expiresAt - claims.issuedAt) / 2));
}
