import { StoreError } from '../core/store/errors';

/**
 * The writers' lock in a browser: the Web Locks API, shared by every tab and worker of one origin, and
 * let go by the browser when a tab closes or crashes (no stale lock to break, unlike a lock file).
 * Where it is missing (a page served over plain http from another machine is not a secure context),
 * this worker's writers still take turns, and the log says that other tabs' writes are not ordered.
 */
export async function webLock(name: string, timeoutMs: number, warn?: (message: string) => void): Promise<() => void> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) {
    warn?.('navigator.locks is not available here (not a secure context?): writes from two tabs at once are not ordered.');
    return localLock(name);
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let granted!: () => void;
  const acquired = new Promise<void>((resolve) => (granted = resolve));
  const request = locks.request(name, { mode: 'exclusive', signal: abort.signal }, () => {
    granted();
    return released;
  });
  try {
    await Promise.race([acquired, request.then(() => undefined)]);
  } catch (err) {
    if ((err as Error).name === 'AbortError') {
      throw new StoreError(
        'lock-timeout',
        `FocusFlow could not lock its database: another tab or window of this browser has held it for ${Math.round(timeoutMs / 1000)} s. Close other editor tabs that may be stuck, then reload this one.`,
      );
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return () => release();
}

const queues = new Map<string, Promise<void>>();

function localLock(name: string): Promise<() => void> {
  const before = queues.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  queues.set(name, before.then(() => mine));
  return before.then(() => release);
}
