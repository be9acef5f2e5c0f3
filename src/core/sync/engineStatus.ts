import type { ConnectionState } from '../team/connection';
import type { QueueStats } from './queue';

/** What the status bar says about sync, in order of precedence. */
export type SyncIndicator =
  | { state: 'not-connected' }
  | { state: 'offline'; reason: string }
  | { state: 'syncing' }
  | { state: 'failed'; count: number }
  | { state: 'error'; reason: string }
  | { state: 'pending'; count: number }
  | { state: 'up-to-date' };

export interface SyncStatus {
  indicator: SyncIndicator;
  stats: QueueStats;
  /** Server records this version could not read and skipped (see unreadable.ts). */
  unreadable?: { count: number; reason: string };
}

/** The result of `focusflow.syncNow`, as the desktop original's `sync_with_team` returned it. */
export interface SyncRunResult {
  /** Operations the server acknowledged in this run. */
  synced: number;
  /** Operations marked failed now (this run's and earlier ones, until retried or cleared). */
  failed: number;
  /** Operations still waiting to go out. */
  pending: number;
  /** Remote changes applied locally in this run. */
  pulled: number;
  /** Why nothing ran (not connected, another window is syncing), or why the run stopped. */
  skipped?: string;
  error?: string;
}

export function indicatorFor(o: {
  connection: ConnectionState;
  syncing: boolean;
  offlineReason: string | undefined;
  /** Why the last run failed though the server answered (a pull refused, a bad reply, a full disk). */
  runError: string | undefined;
  stats: QueueStats;
}): SyncIndicator {
  // Signing back in at start lasts a moment: no sync state to tell yet.
  if (o.connection.status === 'disconnected' || o.connection.status === 'restoring') return { state: 'not-connected' };
  if (o.connection.status === 'signed-out') return { state: 'offline', reason: o.connection.reason };
  if (o.syncing) return { state: 'syncing' };
  if (o.offlineReason) return { state: 'offline', reason: o.offlineReason };
  if (o.stats.failed > 0) return { state: 'failed', count: o.stats.failed };
  // Teammates' changes are not arriving: "up to date" would not be true, whatever the queue holds.
  if (o.runError) return { state: 'error', reason: o.runError };
  // Changes another account made here are not this account's to send: they do not keep it "pending".
  if (o.stats.pending > o.stats.held) return { state: 'pending', count: o.stats.pending - o.stats.held };
  return { state: 'up-to-date' };
}
