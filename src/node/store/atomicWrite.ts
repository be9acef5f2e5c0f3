import * as fs from 'fs';
import * as path from 'path';
import { isProcessAlive } from './processAlive';

let sequence = 0;

/**
 * Replaces `file` with `bytes` so that a process killed at any instant leaves either the old or the new
 * file, never a torn one: write a temp file beside it, fsync it, rename over the target, fsync the folder.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${++sequence}`;
  try {
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

/** Removes temp files in `dir` left by processes that were killed mid-write (their pid is in the name). */
export function removeOrphanTempFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const at = name.indexOf('.tmp-');
    if (at < 0) continue;
    const pid = Number(name.slice(at + 5).split('-')[0]);
    if (pid !== process.pid && !isProcessAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // Windows refuses a rename while another process briefly has the target open (a reader); it clears fast.
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.promises.rename(from, to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 20 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can fsync a folder (Windows); the rename itself is still atomic there.
  }
}
