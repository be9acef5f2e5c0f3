// List cursors as TrailBase makes them: the last row's rowid, AES-encrypted with a key generated at
// each start, so every cursor handed out before a restart is rejected after it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { badRequest } from './errors';

const KEY = randomBytes(32);

export function encryptCursor(apiName: string, rowid: number): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  cipher.setAAD(Buffer.from(apiName));
  const body = Buffer.concat([cipher.update(Buffer.from(String(rowid))), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function decryptCursor(apiName: string, cursor: string): number {
  try {
    const raw = Buffer.from(cursor, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', KEY, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(apiName));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString();
    if (!/^-?\d+$/.test(text)) throw new Error('not a rowid');
    return Number(text);
  } catch {
    throw badRequest('Invalid cursor');
  }
}
