import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic, removeOrphanTempFiles, syncDirectory } from './atomicWrite';
import { StoreError } from '../../core/store/errors';
import { FileLock } from './fileLock';
import type { StoragePort, StoredFile } from '../../core/store/storagePort';

export interface NodeStorageOptions {
  /** The lock file's name in the folder. */
  lockName: string;
  lockStaleMs?: number;
  lockTimeoutMs?: number;
}

/**
 * The store's files on a local disk: appends and replacements are fsynced, replacements are renamed into
 * place, and the lock is a file created with O_EXCL that every window on the machine honours.
 */
export function createNodeStorage(dir: string, options: NodeStorageOptions): StoragePort {
  ensureWritableFolder(dir);
  const lock = new FileLock(path.join(dir, options.lockName), options.lockStaleMs, options.lockTimeoutMs);
  const at = (name: string) => path.join(dir, name);
  let cleaned = false;
  const readSync = (name: string, offset = 0): Uint8Array | undefined => {
    let fd: number;
    try {
      fd = fs.openSync(at(name), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const size = fs.fstatSync(fd).size;
      const bytes = Buffer.allocUnsafe(Math.max(0, size - offset));
      let filled = 0;
      while (filled < bytes.length) {
        const n = fs.readSync(fd, bytes, filled, bytes.length - filled, offset + filled);
        if (n === 0) break;
        filled += n;
      }
      return bytes.subarray(0, filled);
    } finally {
      fs.closeSync(fd);
    }
  };
  const listSync = (prefix: string): StoredFile[] => {
    const files: StoredFile[] = [];
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(prefix)) continue;
      try {
        const stat = fs.statSync(at(name));
        if (stat.isFile()) files.push({ name, size: stat.size, version: `${stat.ino}:${stat.birthtimeMs}` });
      } catch {
        // removed between the listing and the look
      }
    }
    return files;
  };
  return {
    location: dir,
    read: async (name, offset) => readSync(name, offset),
    async append(name, bytes) {
      const file = at(name);
      const existed = fs.existsSync(file);
      const handle = await fs.promises.open(file, 'a');
      try {
        let written = 0;
        while (written < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
          if (bytesWritten === 0) throw Object.assign(new Error('the disk accepted no more bytes'), { code: 'ENOSPC' });
          written += bytesWritten;
        }
        await handle.datasync();
      } finally {
        await handle.close();
      }
      // A new file is only durable once the folder that names it is.
      if (!existed) await syncDirectory(dir);
    },
    replace: (name, bytes) => writeFileAtomic(at(name), bytes),
    list: async (prefix) => listSync(prefix),
    remove: (name) => fs.promises.rm(at(name), { force: true }),
    async lock() {
      await lock.acquire();
      if (!cleaned) {
        cleaned = true;
        removeOrphanTempFiles(dir);
      }
      return () => lock.release();
    },
    watch(onChange, onError) {
      const watcher = fs.watch(dir, { persistent: false }, (_event, name) => onChange(name ?? undefined));
      watcher.on('error', onError);
      return { dispose: () => watcher.close() };
    },
    sync: { read: readSync, list: listSync },
  };
}

function ensureWritableFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new StoreError(
      'unwritable',
      `FocusFlow cannot write to its storage folder ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
        'Check that the folder exists and is writable, then reload the window.',
      err,
    );
  }
}
