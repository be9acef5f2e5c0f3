import { z } from 'zod';
import type { HttpReply } from './http';
import { readAuthToken, type TokenClaims } from './jwt';
import { badReply, parseJsonReply, type ReplyContext } from './replies';
import type { Tokens } from './session';

/** Opaque tokens go back to the server in headers and bodies: printable ASCII only, and not endless. */
const opaqueToken = z.string().regex(/^[\x21-\x7e]{1,4096}$/, { error: 'must be a token of 1 to 4096 printable characters' });

const loginReply = z.object({ auth_token: z.string(), refresh_token: opaqueToken, csrf_token: opaqueToken.nullish() });
const refreshReply = z.object({ auth_token: z.string(), csrf_token: opaqueToken.nullish() });
export const statusReply = z.object({ auth_token: z.string().max(16_384).nullish(), refresh_token: z.string().max(4096).nullish(), csrf_token: z.string().max(4096).nullish() });

/** A sign-in reply taken in whole: the tokens to keep and what the auth token says. */
export interface SignedIn {
  tokens: Tokens;
  claims: TokenClaims;
}

/** Login: every field, the claims inside the auth token included, is checked before anything is kept. */
export function parseSignIn(reply: HttpReply, ctx: ReplyContext): SignedIn {
  const t = parseJsonReply(reply, loginReply, ctx, 'JSON {auth_token, refresh_token}');
  const claims = claimsOf(reply, ctx, t.auth_token);
  return { tokens: { authToken: t.auth_token, refreshToken: t.refresh_token, ...(t.csrf_token ? { csrfToken: t.csrf_token } : {}) }, claims };
}

/** Refresh: as login, and the new token must be for the same user (a server may not swap accounts). */
export function parseRefresh(reply: HttpReply, ctx: ReplyContext, userId: string): { authToken: string; csrfToken?: string; claims: TokenClaims } {
  const t = parseJsonReply(reply, refreshReply, ctx, 'JSON {auth_token, csrf_token}');
  const claims = claimsOf(reply, ctx, t.auth_token);
  if (claims.userId !== userId) throw badReply(reply, ctx, 'a token for the signed-in user', 'a token for another user', 'auth_token.sub');
  return { authToken: t.auth_token, ...(t.csrf_token ? { csrfToken: t.csrf_token } : {}), claims };
}

function claimsOf(reply: HttpReply, ctx: ReplyContext, token: string): TokenClaims {
  const reading = readAuthToken(token);
  if (reading.ok) return reading.claims;
  const field = reading.field ? `auth_token.${reading.field}` : 'auth_token';
  throw badReply(reply, ctx, 'a TrailBase auth token', `an auth token FocusFlow cannot read (${field}: ${reading.problem})`, field);
}
