// TOTP as TrailBase v0.33 checks it (`new_totp` in auth/api/totp.rs, totp-rs): RFC 6238 with SHA-1,
// 6 digits, 30-second steps and a skew of 1, so the codes of the step before and the step after the
// current one are accepted too. The secret is stored base32 in `_user.totp_secret`.
//
// `otpauth` does the HOTP/TOTP arithmetic and writes the Key URI (otpauth://…) that authenticator apps
// read; this file only fixes the parameters to TrailBase's.
import { Secret, TOTP } from 'otpauth';

const STEP_SEC = 30;
const SKEW_STEPS = 1;

function totp(secretBase32: string, account = '', issuer = 'TrailBase'): TOTP {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: 6, period: STEP_SEC, secret: Secret.fromBase32(secretBase32) });
}

/** A new random secret (160 bits, as totp-rs `Secret::generate`), base32 without padding. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** Whether `code` is the code of the current step or of the step before or after it. */
export function checkTotp(secretBase32: string, code: string, nowMs = Date.now()): boolean {
  return totp(secretBase32).validate({ token: code, timestamp: nowMs, window: SKEW_STEPS }) !== null;
}

export function totpCode(secretBase32: string, nowMs = Date.now()): string {
  return totp(secretBase32).generate({ timestamp: nowMs });
}

/** The Key URI an authenticator app scans or imports. */
export function otpauthUri(secretBase32: string, account: string, issuer: string): string {
  return totp(secretBase32, account, issuer).toString();
}
