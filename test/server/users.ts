// Users and sessions: `_user` rows in the main database, refresh-token sessions in session.db as
// TrailBase keeps them. Passwords are hashed with scrypt (TrailBase uses argon2; only the server
// ever reads the hash).
import Database from 'better-sqlite3';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from './db';
import { randomAlphanumeric } from './tokens';

export interface UserRow {
  id: Buffer;
  email: string | null;
  unverified_email: string | null;
  username: string | null;
  password_hash: string | null;
  admin: number;
  /** Base32; set, the account signs in with a second factor. */
  totp_secret: string | null;
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32, { N: 4096 }).toString('base64')}`;
}

export function checkPassword(password: string, stored: string | null): boolean {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), 32, { N: 4096 });
  const expected = Buffer.from(hash, 'base64');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

export class Users {
  readonly sessions: Db;

  constructor(private readonly db: Db, dataDir: string) {
    this.sessions = new Database(join(dataDir, 'data', 'session.db'));
    this.sessions.pragma('journal_mode = WAL');
    this.sessions.exec(`
      CREATE TABLE IF NOT EXISTS _session (
        id INTEGER PRIMARY KEY NOT NULL, user BLOB NOT NULL, refresh_token TEXT NOT NULL UNIQUE,
        updated INTEGER DEFAULT (UNIXEPOCH()) NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS _verification (
        code TEXT PRIMARY KEY NOT NULL, user BLOB NOT NULL, expires INTEGER NOT NULL) STRICT;`);
  }

  byLogin(identifier: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM _user WHERE email = :v OR unverified_email = :v OR username = :v').get({ v: identifier }) as UserRow | undefined;
  }

  byId(id: Buffer): UserRow | undefined {
    return this.db.prepare('SELECT * FROM _user WHERE id = ?').get(id) as UserRow | undefined;
  }

  /** Creates a user; `verified` users get `email`, the others only `unverified_email`. */
  create(email: string, password: string, verified: boolean, totpSecret?: string): UserRow {
    return this.db.prepare(
      `INSERT INTO _user (email, unverified_email, password_hash, totp_secret) VALUES (?, ?, ?, ?) RETURNING *`,
    ).get(verified ? email : null, verified ? null : email, hashPassword(password), totpSecret ?? null) as UserRow;
  }

  setTotpSecret(id: Buffer, secret: string | null): void {
    this.db.prepare('UPDATE _user SET totp_secret = ? WHERE id = ?').run(secret, id);
  }

  newVerificationCode(user: Buffer): string {
    const code = randomAlphanumeric(32);
    this.sessions.prepare('INSERT INTO _verification (code, user, expires) VALUES (?, ?, unixepoch() + 4 * 3600)').run(code, user);
    return code;
  }

  /** Moves `unverified_email` into `email`; false for an unknown or expired code. */
  verify(code: string): boolean {
    const row = this.sessions.prepare('DELETE FROM _verification WHERE code = ? RETURNING user, expires').get(code) as
      | { user: Buffer; expires: number } | undefined;
    if (!row || row.expires < Date.now() / 1000) return false;
    return this.db.prepare('UPDATE _user SET email = unverified_email, unverified_email = NULL WHERE id = ? AND unverified_email IS NOT NULL')
      .run(row.user).changes === 1;
  }

  newSession(user: Buffer): string {
    const token = randomAlphanumeric(86);
    this.sessions.prepare('INSERT INTO _session (user, refresh_token) VALUES (?, ?)').run(user, token);
    return token;
  }

  /** The session's user if the refresh token exists and is younger than its TTL (negative: never expires). */
  sessionUser(refreshToken: string, ttlSec: number): UserRow | undefined {
    const s = this.sessions.prepare('SELECT user, updated FROM _session WHERE refresh_token = ?').get(refreshToken) as
      | { user: Buffer; updated: number } | undefined;
    if (!s || (ttlSec >= 0 && s.updated + ttlSec < Date.now() / 1000)) return undefined;
    return this.byId(s.user);
  }

  deleteSession(refreshToken: string): void {
    this.sessions.prepare('DELETE FROM _session WHERE refresh_token = ?').run(refreshToken);
  }

  deleteAllSessions(user: Buffer): void {
    this.sessions.prepare('DELETE FROM _session WHERE user = ?').run(user);
  }
}
