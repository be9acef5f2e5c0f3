/**
 * Tokens must never reach a log line or an error message. Known token values are registered while they
 * are live; anything shaped like a JWT or a TrailBase refresh token is removed even if it was never seen.
 */
const live = new Set<string>();

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// TrailBase refresh tokens are long opaque alphanumeric runs; ids and words are far shorter.
const OPAQUE_TOKEN_SHAPE = /\b[A-Za-z0-9]{40,}\b/g;
export const REDACTED = '[redacted]';

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) live.add(value);
}

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of live) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out.replace(JWT_SHAPE, REDACTED).replace(OPAQUE_TOKEN_SHAPE, REDACTED);
}
