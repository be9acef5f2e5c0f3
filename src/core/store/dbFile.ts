import * as fs from 'fs';
import type { SqlJsStatic } from 'sql.js';
import { SqlJsDb } from './sqlDb';

/**
 * Which version of the database file is on disk. Every save renames a new file into place, so a
 * changed inode (or size, or times) means another window wrote since we last read or wrote.
 */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** Reads the file and its identity through one descriptor, so both describe the same version. */
export function readDatabase(sql: SqlJsStatic, file: string): { db: SqlJsDb; identity: FileIdentity } {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    const bytes = fs.readFileSync(fd);
    assertWholeDatabase(bytes);
    const raw = new sql.Database(bytes);
    try {
      const db = new SqlJsDb(raw);
      // sql.js opens any bytes lazily: touching the schema makes a garbled file fail here, not later.
      db.get('SELECT count(*) FROM sqlite_master');
      return { db, identity: toIdentity(stat) };
    } catch (err) {
      raw.close();
      throw err;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Cheap checks of the file header that catch empty, foreign and truncated files. A full integrity check
 * costs ~80 ms at 100k sessions, more than half of the activation budget, and atomic replacement already
 * rules out torn writes of our own.
 */
function assertWholeDatabase(bytes: Buffer): void {
  if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== 'SQLite format 3\0') {
    throw new Error(bytes.length === 0 ? 'the file is empty' : 'the file is not a SQLite database');
  }
  const rawPageSize = bytes.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = bytes.readUInt32BE(28);
  const sizeFieldValid = bytes.readUInt32BE(92) === bytes.readUInt32BE(24);
  if (sizeFieldValid && pages * pageSize !== bytes.length) {
    throw new Error(`the file is ${bytes.length} bytes but its header says ${pages * pageSize}: it was cut short or overwritten`);
  }
}

export function identify(file: string): FileIdentity | undefined {
  try {
    return toIdentity(fs.statSync(file));
  } catch {
    return undefined;
  }
}

function toIdentity(stat: fs.Stats): FileIdentity {
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity | undefined): boolean {
  return !!b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/**
 * Runs `read`, waiting out a file another program holds for a moment (an antivirus scanning what another
 * window just saved, a sync tool): up to about a second of retries, then its error stands.
 */
export async function whileHeld<T>(read: () => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return read();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 10 || (code !== 'EBUSY' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EAGAIN')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
