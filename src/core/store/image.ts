import type { SqlJsStatic } from 'sql.js';
import { SqlJsDb } from './sqlDb';

/** Opens a base image read from disk; throws when the bytes are not a whole SQLite database. */
export function openImage(sql: SqlJsStatic, bytes: Uint8Array): SqlJsDb {
  assertWholeDatabase(bytes);
  const raw = new sql.Database(bytes);
  try {
    const db = new SqlJsDb(raw);
    // sql.js opens any bytes lazily: touching the schema makes a garbled file fail here, not later.
    db.get('SELECT count(*) FROM sqlite_master');
    return db;
  } catch (err) {
    raw.close();
    throw err;
  }
}

/**
 * Cheap checks of the file header that catch empty, foreign and truncated files. A full integrity check
 * costs ~80 ms at 100k sessions, more than half of the activation budget, and atomic replacement already
 * rules out torn writes of our own.
 */
function assertWholeDatabase(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 100 || new TextDecoder('latin1').decode(bytes.subarray(0, 16)) !== 'SQLite format 3\0') {
    throw new Error(bytes.length === 0 ? 'the file is empty' : 'the file is not a SQLite database');
  }
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = view.getUint32(28);
  const sizeFieldValid = view.getUint32(92) === view.getUint32(24);
  if (sizeFieldValid && pages * pageSize !== bytes.length) {
    throw new Error(`the file is ${bytes.length} bytes but its header says ${pages * pageSize}: it was cut short or overwritten`);
  }
}

/** The file could not be opened or read (an errno code), as opposed to bytes that are not a database. */
export function isFileAccessError(err: unknown): boolean {
  return typeof (err as { code?: unknown }).code === 'string' && !(err instanceof Error && err.name === 'StoreError');
}

/**
 * Runs `read`, waiting out a file another program holds for a moment (an antivirus scanning what another
 * window just saved, a sync tool): up to about a second of retries, then its error stands.
 */
export async function whileHeld<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 10 || (code !== 'EBUSY' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EAGAIN')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
