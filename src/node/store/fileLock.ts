import * as fs from 'fs';
import * as os from 'os';
import { randomBytes } from 'crypto';
import { StoreError } from '../../core/store/errors';
import { isProcessAlive } from './processAlive';

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  /** When the owner's machine booted (epoch ms); absent in locks of older versions. */
  boot?: number;
}

/** Locks are held for one write; a same-host lock this old has an owner that is not writing, whatever its pid says. */
const SAME_HOST_STALE_MS = 10 * 60_000;

function bootTime(): number {
  return Date.now() - os.uptime() * 1000;
}

/**
 * A cross-process lock shared by every VS Code window on the machine: a file created with O_EXCL.
 * A lock left by a process that died (killed mid-write, crashed window) is broken as soon as its pid is
 * gone, or once the machine rebooted since it was taken (its pid may belong to another process by now),
 * or once it is ten minutes old; one whose owner cannot be checked (another host, e.g. a shared folder)
 * once it is older than `staleMs`.
 */
export class FileLock {
  private token: string | undefined;

  constructor(
    readonly path: string,
    private readonly staleMs = 10_000,
    private readonly timeoutMs = 15_000,
  ) {}

  async acquire(): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    let delay = 1;
    for (;;) {
      if (this.tryCreate()) return;
      if (this.breakIfStale()) continue;
      if (Date.now() > deadline) {
        throw new StoreError(
          'lock-timeout',
          `FocusFlow could not lock its database (${this.path} is held by another process). ` +
            'Close other VS Code windows that may be stuck, or delete that file if no window is open.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 25);
    }
  }

  release(): void {
    if (!this.token) return;
    const owner = readOwner(this.path);
    // Only remove the file if it is still ours: a lock broken as stale may belong to someone else now.
    if (owner?.token === this.token) fs.rmSync(this.path, { force: true });
    this.token = undefined;
  }

  private tryCreate(): boolean {
    const token = randomBytes(8).toString('hex');
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new StoreError('unwritable', `FocusFlow cannot create its lock file ${this.path}: ${(err as Error).message}`, err);
    }
    try {
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), token, boot: bootTime() } satisfies LockOwner));
    } finally {
      fs.closeSync(fd);
    }
    this.token = token;
    return true;
  }

  private breakIfStale(): boolean {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(this.path).mtimeMs;
    } catch {
      return true; // released meanwhile
    }
    const owner = readOwner(this.path);
    const age = Date.now() - mtimeMs;
    // On this machine the owner's pid says it all, within one boot: a live owner is not robbed while its
    // write may still be going on (a slow disk, a paused process). Age alone decides for owners on
    // other hosts, which cannot be checked.
    const stale = owner
      ? owner.host === os.hostname()
        ? !isProcessAlive(owner.pid) || (typeof owner.boot === 'number' && Math.abs(owner.boot - bootTime()) > 60_000) || age > SAME_HOST_STALE_MS
        : age > this.staleMs
      : age > 1_000; // an owner writes its record right after creating the file
    if (!stale) return false;
    // Move the file away atomically, then check it is the one judged stale: two processes breaking the
    // same lock must not remove a fresh lock taken in between.
    const moved = `${this.path}.stale-${randomBytes(6).toString('hex')}`;
    try {
      fs.renameSync(this.path, moved);
    } catch {
      return true;
    }
    const movedOwner = readOwner(moved);
    if (owner && movedOwner && movedOwner.token !== owner.token) {
      try {
        fs.linkSync(moved, this.path);
      } catch {
        // someone took the lock in between; theirs stands
      }
    }
    fs.rmSync(moved, { force: true });
    return true;
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.token === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}
