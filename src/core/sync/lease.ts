import type { Clock } from '../clock';
import type { SqlDb, Store } from '../store';
import { deleteSyncState, getSyncState, setSyncState } from './syncState';

const KEY = 'sync.lease';

interface LeaseRow {
  owner: string;
  expiresAt: number;
}

/**
 * "Only one sync run at a time across all windows": a row in `sync_state` naming the owner and when
 * the lease lapses. It is taken and released inside `store.write`, which runs under the store's
 * cross-process lock on the freshest file, so two windows can never both see it free. A window that
 * dies mid-run leaves a lease that simply expires.
 */
export class SyncLease {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Unique per engine instance (window). */
    readonly owner: string,
    private readonly ttlMs = 60_000,
  ) {}

  /** Takes (or renews) the lease; false when another owner holds an unexpired one. */
  acquire(): Promise<boolean> {
    return this.store.write((db) => {
      const now = this.clock.now();
      const held = parse(getSyncState(db, KEY));
      if (held && held.owner !== this.owner && held.expiresAt > now) return false;
      setSyncState(db, KEY, JSON.stringify({ owner: this.owner, expiresAt: now + this.ttlMs } satisfies LeaseRow));
      return true;
    });
  }

  /** Pushes the expiry out from inside a write the holder makes anyway (a long run stays covered). */
  extend(db: SqlDb): void {
    if (parse(getSyncState(db, KEY))?.owner !== this.owner) return;
    setSyncState(db, KEY, JSON.stringify({ owner: this.owner, expiresAt: this.clock.now() + this.ttlMs } satisfies LeaseRow));
  }

  /**
   * Renews the lease every third of its lifetime until disposed, so a run longer than the lifetime (a
   * first pull of a large team, a slow server) is never taken over by another window halfway.
   */
  keepAlive(onError: (err: unknown) => void): { dispose(): void } {
    const timer = setInterval(() => this.store.write((db) => this.extend(db)).catch(onError), this.ttlMs / 3);
    return { dispose: () => clearInterval(timer) };
  }

  /** Gives the lease up if this owner still holds it. */
  release(): Promise<void> {
    return this.store.write((db) => {
      if (parse(getSyncState(db, KEY))?.owner === this.owner) deleteSyncState(db, KEY);
    });
  }

  /** Who holds an unexpired lease now, if anyone. */
  holder(): string | undefined {
    const held = this.store.read((db) => parse(getSyncState(db, KEY)));
    return held && held.expiresAt > this.clock.now() ? held.owner : undefined;
  }
}

function parse(value: string | undefined): LeaseRow | undefined {
  if (value === undefined) return undefined;
  try {
    const row = JSON.parse(value) as Partial<LeaseRow>;
    return typeof row.owner === 'string' && typeof row.expiresAt === 'number' ? (row as LeaseRow) : undefined;
  } catch {
    return undefined;
  }
}
