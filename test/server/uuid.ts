// UUIDs and TrailBase's id encodings: ids travel as url-safe base64 *with* padding (24 chars for
// 16 bytes); a hyphenated UUID is also accepted where TrailBase accepts one.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/** RFC 9562 UUIDv7: 48-bit ms timestamp, then a 12-bit counter so ids from one ms still sort. */
export function uuidV7(): Buffer {
  const now = Date.now();
  if (now > lastMs) { lastMs = now; seq = randomBytes(2).readUInt16BE() & 0x3ff; } else seq++;
  if (seq > 0xfff) { lastMs++; seq = 0; }
  const b = randomBytes(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b;
}

export function uuidV4(): Buffer {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b;
}

export function isUuid(v: unknown): boolean {
  return Buffer.isBuffer(v) && v.length === 16 && (v[8] & 0xc0) === 0x80 && (v[6] >> 4) >= 1 && (v[6] >> 4) <= 8;
}

export function isUuidV7(v: unknown): boolean {
  return isUuid(v) && ((v as Buffer)[6] >> 4) === 7;
}

const PADDING = ['', '===', '==', '='];
export function toB64(bytes: Buffer): string {
  const s = bytes.toString('base64url');
  return s + PADDING[s.length % 4];
}

/** Strict url-safe base64 with canonical padding, as Rust's BASE64_URL_SAFE decodes it. */
export function fromB64(s: string): Buffer | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9_-]*={0,2}$/.test(s)) return undefined;
  const buf = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return toB64(buf) === s ? buf : undefined;
}

export function parseUuidText(s: string): Buffer | undefined {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s)) return undefined;
  return Buffer.from(s.replace(/-/g, ''), 'hex');
}
