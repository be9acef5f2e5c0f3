import * as vscode from 'vscode';
import { concatBytes as concat } from '../core/bytes';
import { StoreError } from '../core/store/errors';
import type { StoragePort, StoredFile } from '../core/store/storagePort';
import { segmentFileName, latestReadable, parseSegmentNames, type Segment, type Version } from './segments';
import { webLock } from './webLock';

/**
 * Above this size an append starts a new segment instead of rewriting the last one. Each commit on the web
 * rewrites at most this much (16 KiB on average) and a journal at its 1 MiB bound is 32 small files, all
 * listed by one readDirectory.
 */
export const SEGMENT_BYTES = 32 * 1024;

export interface WorkspaceStorageOptions {
  /** The lock's name: every tab of the browser profile that uses it takes turns. */
  lockName: string;
  lockTimeoutMs?: number;
  /** Told once when the browser has no Web Locks, so other tabs' writes are not ordered with ours. */
  onUnorderedWrites?: (message: string) => void;
  /** The folder's file system; tests pass a failing one. */
  fs?: vscode.FileSystem;
}

/**
 * The store's files through `vscode.workspace.fs`, for the browser's web worker host, where there is no
 * append, no fsync and no rename-over that a crash cannot tear (the files may live in the browser's
 * IndexedDB or, under code-server, on a server's disk).
 *
 * Each logical file is one or more segment files named `<name>~<version>.<index>.<size>`. An append
 * rewrites the last segment (bounded by SEGMENT_BYTES) under a new name carrying its new size, or starts
 * the next one; a replace writes a new version. The older file is removed only after the new one is
 * written, and a reader takes a file only when its length matches the size in its name, so a write torn
 * by a crash or still under way is never read: the reader sees the state before it. This is the bounded
 * rewrite rather than one new file per commit: opening then reads 32 files, not one per commit since the
 * last checkpoint. Writers hold the lock (navigator.locks), which is what keeps two tabs from erasing
 * each other's segments.
 *
 * Each call through vscode.workspace.fs is a round trip (to the window, and under code-server on to the
 * server), so the port remembers what cannot change under it: a file's content never changes under its
 * name (versions come from the clock and are never reused), so a file checked whole or read once stays
 * so; and while this port holds the lock nobody else writes, so the folder's listing is read once per
 * lock and then kept up to date by the port's own writes. A commit is then one listing, one write and
 * one delete.
 */
export function createWorkspaceStorage(folder: vscode.Uri, options: WorkspaceStorageOptions): StoragePort {
  const fs = options.fs ?? vscode.workspace.fs;
  const at = (file: string) => vscode.Uri.joinPath(folder, file);
  let folderReady: Promise<void> | undefined;
  let warned = false;
  /** The folder's segments while this port holds the lock, kept by its own writes; undefined otherwise. */
  let heldListing: Segment[] | undefined;
  let holding = false;
  /** Files whose length was checked against their name. */
  const whole = new Set<string>();
  /** The last segment read or written, by file name (its content never changes under that name). */
  let tail: { file: string; bytes: Uint8Array } | undefined;

  const ensureFolder = (): Promise<void> =>
    (folderReady ??= Promise.resolve(fs.createDirectory(folder)).catch((err: unknown) => {
      folderReady = undefined;
      throw new StoreError(
        'unwritable',
        `FocusFlow cannot write to its storage folder ${folder.toString(true)} (${describe(err)}). Reload the window; if it persists, clear the site's storage for this editor.`,
        err,
      );
    }));

  const listing = async (): Promise<Segment[]> => {
    if (heldListing) return heldListing;
    const found = await readListing();
    if (holding) heldListing = found;
    return found;
  };

  const readListing = async (): Promise<Segment[]> => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await fs.readDirectory(folder);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return parseSegmentNames(entries.filter(([, type]) => type === vscode.FileType.File).map(([n]) => n));
  };

  const readFile = async (file: string): Promise<Uint8Array | undefined> => {
    if (tail?.file === file) return tail.bytes;
    try {
      return await fs.readFile(at(file));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  const isWhole = async (segment: Segment): Promise<boolean> => {
    if (whole.has(segment.file)) return true;
    try {
      if ((await fs.stat(at(segment.file))).size !== segment.size) return false;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    whole.add(segment.file);
    return true;
  };

  /** The version a reader takes for `name`, each chosen segment's length checked against its name. */
  const current = async (name: string, all?: Segment[]): Promise<Version | undefined> =>
    latestReadable((all ?? (await listing())).filter((s) => s.name === name), isWhole);

  const writeNew = async (segment: Segment, bytes: Uint8Array): Promise<void> => {
    await ensureFolder();
    try {
      await fs.writeFile(at(segment.file), bytes);
    } catch (err) {
      // what a failed write left is not known: look again
      heldListing = undefined;
      throw err;
    }
    whole.add(segment.file);
    if (heldListing) heldListing = [...heldListing, segment];
  };

  const removeFiles = async (files: readonly Segment[]): Promise<void> => {
    for (const s of files) {
      try {
        await fs.delete(at(s.file), { useTrash: false });
      } catch (err) {
        if (!isNotFound(err)) {
          heldListing = undefined;
          throw err;
        }
      }
      whole.delete(s.file);
      if (tail?.file === s.file) tail = undefined;
      if (heldListing) heldListing = heldListing.filter((h) => h.file !== s.file);
    }
  };

  return {
    location: folder.toString(true),

    async read(name, offset = 0) {
      // A segment can be replaced between the listing and the read (another tab wrote): look again.
      for (let attempt = 0; ; attempt++) {
        const version = await current(name);
        if (!version) return undefined;
        const parts: Uint8Array[] = [];
        let start = 0;
        let vanished = false;
        for (const s of version.segments) {
          const end = start + s.size;
          if (end > offset) {
            const bytes = await readFile(s.file);
            if (!bytes || bytes.length !== s.size) {
              vanished = true;
              heldListing = undefined;
              break;
            }
            if (s === version.segments.at(-1)) tail = { file: s.file, bytes };
            parts.push(start >= offset ? bytes : bytes.subarray(offset - start));
          }
          start = end;
        }
        if (!vanished) return concat(parts);
        if (attempt >= 3) throw new StoreError('persist-failed', `FocusFlow could not read ${name} in ${folder.toString(true)}: it kept changing while being read.`);
      }
    },

    async append(name, bytes) {
      const all = await listing();
      const version = await current(name, all);
      const last = version?.segments.at(-1);
      const number = version?.number ?? nextVersion(all, name);
      let written: Segment;
      if (last && last.size + bytes.length <= SEGMENT_BYTES) {
        const before = await readFile(last.file);
        if (!before || before.length !== last.size) throw new StoreError('persist-failed', `FocusFlow could not read ${last.file} to add to it; try again.`);
        written = { name, version: number, index: last.index, size: last.size + bytes.length, file: '' };
        written.file = segmentFileName(written);
        const after = concat([before, bytes]);
        await writeNew(written, after);
        tail = { file: written.file, bytes: after };
      } else {
        written = { name, version: number, index: last ? last.index + 1 : 0, size: bytes.length, file: '' };
        written.file = segmentFileName(written);
        await writeNew(written, bytes);
        tail = { file: written.file, bytes };
      }
      // Only now is the shorter copy (and whatever a crash left torn) no longer needed.
      await removeFiles(all.filter((s) => s.name === name && s.file !== written.file && (s.version !== number || s.index >= written.index)));
    },

    async replace(name, bytes) {
      const all = await listing();
      const written: Segment = { name, version: nextVersion(all, name), index: 0, size: bytes.length, file: '' };
      written.file = segmentFileName(written);
      await writeNew(written, bytes);
      await removeFiles(all.filter((s) => s.name === name && s.file !== written.file));
    },

    async list(prefix) {
      const all = await listing();
      const names = [...new Set(all.filter((s) => s.name.startsWith(prefix)).map((s) => s.name))];
      const files: StoredFile[] = [];
      for (const name of names) {
        const version = await current(name, all);
        if (version) files.push({ name, size: version.segments.reduce((sum, s) => sum + s.size, 0), version: String(version.number) });
      }
      return files;
    },

    async remove(name) {
      await removeFiles((await listing()).filter((s) => s.name === name));
    },

    async lock() {
      const release = await webLock(options.lockName, options.lockTimeoutMs ?? 15_000, (message) => {
        if (warned) return;
        warned = true;
        options.onUnorderedWrites?.(message);
      });
      // other tabs may have written since this port last held the lock: the first listing is read afresh
      holding = true;
      heldListing = undefined;
      return () => {
        holding = false;
        heldListing = undefined;
        release();
      };
    },
  };
}

/**
 * Above every version of `name` in the folder, and from the clock: a name removed and written again
 * (the journal after each checkpoint) never reuses a file name with other content, which is what lets
 * the port trust a file it has seen whole.
 */
function nextVersion(all: readonly Segment[], name: string): number {
  return Math.max(Date.now(), all.filter((s) => s.name === name).reduce((max, s) => Math.max(max, s.version), 0) + 1);
}

function isNotFound(err: unknown): boolean {
  return err instanceof vscode.FileSystemError ? err.code === 'FileNotFound' : (err as { code?: string }).code === 'FileNotFound';
}

function describe(err: unknown): string {
  return (err as { code?: string }).code ?? (err as Error).message ?? String(err);
}
