import { toLocalId } from '../ids';
import type { Logger } from '../logger';
import type { SqlDb, Store } from '../store';
import { hostOf } from '../trailbase';
import { getSyncState, setSyncState } from './syncState';

/** Changes one account queued on this machine that wait while another account is signed in here. */
export interface HeldChanges {
  /** Local id of the account they belong to. */
  userId: string;
  /** Its email, when this machine knows it. */
  email?: string;
  /** The server that account signed in to, when known. */
  serverUrl?: string;
  count: number;
}

interface AccountNote {
  email?: string;
  serverUrl?: string;
}

const accountKey = (userId: string): string => `account.${userId}`;

/** Whether `noteAccount` would change anything (so a caller can skip a write). */
export function accountNoteChanged(db: SqlDb, userId: string, who: AccountNote): boolean {
  return getSyncState(db, accountKey(userId)) !== JSON.stringify(who);
}

/**
 * Remembers who an account is (its email and server), so changes it leaves queued can later say whose
 * sign-in they wait for: by then the pull may have forgotten that account's teams and memberships.
 */
export function noteAccount(db: SqlDb, userId: string, who: AccountNote): void {
  setSyncState(db, accountKey(userId), JSON.stringify(who));
}

/**
 * The held changes per account, oldest first. `sendable` is the queue's SQL condition for "may be sent
 * by the signed-in user" with its two parameters.
 */
export function heldChanges(db: SqlDb, sendable: string, params: readonly (string | null)[]): HeldChanges[] {
  const rows = db.all<{ owner: string; n: number }>(
    `SELECT owner, count(*) AS n FROM sync_queue WHERE status = 'pending' AND owner IS NOT NULL AND NOT ${sendable}
     GROUP BY owner ORDER BY min(seq)`,
    [...params],
  );
  return rows.map(({ owner, n }) => ({ userId: owner, ...whoIs(db, owner), count: n }));
}

function whoIs(db: SqlDb, userId: string): AccountNote {
  const noted = getSyncState(db, accountKey(userId));
  if (noted !== undefined) {
    try {
      const parsed = JSON.parse(noted) as AccountNote;
      return {
        ...(typeof parsed.email === 'string' ? { email: parsed.email } : {}),
        ...(typeof parsed.serverUrl === 'string' ? { serverUrl: parsed.serverUrl } : {}),
      };
    } catch {
      // A damaged note says nothing; the memberships may still know the email.
    }
  }
  // Changes queued before accounts were noted: a membership pulled earlier may still name the account.
  const email = db.get<{ email: string }>('SELECT email FROM members WHERE user_id = ? AND email IS NOT NULL LIMIT 1', [userId])?.email;
  return email ? { email } : {};
}

/** Whose sign-in held changes wait for, one line per account, for the tooltip and Show Sync Status. */
export function heldLines(held: readonly HeldChanges[]): string[] {
  return held.map((h) => {
    const changes = h.count === 1 ? '1 change waits' : `${h.count} changes wait`;
    const who = h.email ?? `another account (user ${h.userId.slice(0, 8)}…)`;
    const where = h.serverUrl ? ` to ${hostOf(h.serverUrl)}` : '';
    return `${changes} for ${who} to sign in${where} again: made while that account was signed in here, ${h.count === 1 ? 'it is' : 'they are'} neither sent as you nor marked failed.`;
  });
}

/** "ada@example.com", or "2 other accounts": whom held changes wait for, in a few words. */
export function heldWho(held: readonly HeldChanges[]): string {
  if (held.length === 1) return held[0].email ?? 'another account';
  return `${held.length} other accounts`;
}

/** Notes the signed-in account (one write, only when the note changes); a failure only costs the name. */
export function rememberAccount(store: Store, logger: Logger, connection: { userId: string; email?: string; serverUrl: string }): void {
  const userId = toLocalId(connection.userId);
  const who = { ...(connection.email ? { email: connection.email } : {}), serverUrl: connection.serverUrl };
  try {
    if (!store.read((db) => accountNoteChanged(db, userId, who))) return;
  } catch (err) {
    logger.debug(`Could not read the account note: ${(err as Error).message}`);
    return;
  }
  store.write((db) => noteAccount(db, userId, who)).catch((err: unknown) => logger.debug(`Could not note the account: ${(err as Error).message}`));
}
