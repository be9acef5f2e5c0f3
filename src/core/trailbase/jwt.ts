import { z } from 'zod';

/** The claims we read from a TrailBase auth token (`auth/jwt.rs`); the signature is the server's business. */
const claimsSchema = z.object({
  sub: z.string().min(1),
  exp: z.number(),
  iat: z.number().optional(),
  email: z.string().nullish(),
  csrf_token: z.string().nullish(),
});

export interface TokenClaims {
  userId: string;
  email?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Epoch milliseconds; undefined when the token has no `iat`. */
  issuedAt?: number;
}

/** Decodes the payload of a JWT; undefined when it is not a JWT carrying the claims above. */
export function decodeAuthToken(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  return {
    userId: c.sub,
    ...(c.email ? { email: c.email } : {}),
    expiresAt: c.exp * 1000,
    ...(c.iat !== undefined ? { issuedAt: c.iat * 1000 } : {}),
  };
}

/**
 * How long before `exp` we refresh: 60 s, but never more than half the token's lifetime, so a server
 * configured with very short tokens does not make us refresh before every single request.
 */
export function refreshMarginMs(claims: TokenClaims, marginMs = 60_000): number {
  if (claims.issuedAt === undefined) return marginMs;
  return Math.min(marginMs, Math.max(0, (claims.expiresAt - claims.issuedAt) / 2));
}
