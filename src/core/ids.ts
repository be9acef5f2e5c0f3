import { fromBase64, randomBytes, toHex } from './bytes';

/**
 * Record ids. Every record we create carries an id we generated (UUIDv7: time-ordered, so indexes stay
 * compact and ids sort by creation), which is what makes a retried create safe. TrailBase returns and
 * accepts BLOB UUID keys as url-safe base64 *with* `=` padding; we keep the hyphenated form locally.
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64_ID_PATTERN = /^[A-Za-z0-9_-]{22}==$/;

const MAX_CLOCK_STEP_BACK_MS = 10_000;
let lastMs = -1;
let lastSeq = 0;

/**
 * A new UUIDv7 (RFC 9562). Within one millisecond the 12-bit `rand_a` field is used as a counter,
 * so ids made by this process are strictly increasing even when made in a tight loop.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  // Small steps back (clock adjustments, or our own overflow bump below) keep the sequence
  // increasing; an explicit time far from the last one (a test's fake clock) is taken as given.
  let ms = nowMs < lastMs && lastMs - nowMs < MAX_CLOCK_STEP_BACK_MS ? lastMs : nowMs;
  if (ms === lastMs) {
    lastSeq++;
    if (lastSeq > 0xfff) {
      ms++;
      lastSeq = 0;
    }
  } else {
    lastSeq = bytes[6] & 0x07; // start low so the counter has room to grow within the millisecond
  }
  lastMs = ms;
  bytes[6] = (lastSeq >>> 8) & 0x0f;
  bytes[7] = lastSeq & 0xff;
  return bytesToUuid(stampUuidV7(bytes, ms));
}

/**
 * Turns 16 bytes into a UUIDv7 taken at `ms`: the 48-bit time in front, then the version and variant
 * bits; the other bits stay as given (random, a counter, or a hash).
 */
export function stampUuidV7(bytes: Uint8Array, ms: number): Uint8Array {
  const high = Math.floor(ms / 2 ** 16);
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return bytes;
}

/** An id in either spelling (TrailBase's base64 from the server, a UUID locally) as the local UUID. */
export function toLocalId(id: string): string {
  return isUuid(id) ? id.toLowerCase() : base64ToUuid(id);
}

/** Whether `value` is in TrailBase's id form for UUID keys (url-safe base64 with padding, 24 characters). */
export function isBase64Id(value: string): boolean {
  return BASE64_ID_PATTERN.test(value);
}

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** The epoch milliseconds a UUIDv7 was made at. */
export function uuidv7Time(uuid: string): number {
  const hex = uuidToBytesChecked(uuid);
  if ((hex[6] >>> 4) !== 7) throw new TypeError(`not a UUIDv7: ${uuid}`);
  return hex[0] * 2 ** 40 + hex[1] * 2 ** 32 + hex[2] * 2 ** 24 + hex[3] * 2 ** 16 + hex[4] * 2 ** 8 + hex[5];
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Hyphenated UUID → TrailBase's id form (url-safe base64 with padding, 24 characters). */
export function uuidToBase64(uuid: string): string {
  // Spelled out rather than through Buffer: a push converts three ids per record, and the Buffer round
  // trip (regex, hex decode, base64 encode) was a tenth of its local work.
  const b = uuidToBytesChecked(uuid);
  let out = '';
  for (let i = 0; i < 15; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += BASE64URL[n >>> 18] + BASE64URL[(n >>> 12) & 63] + BASE64URL[(n >>> 6) & 63] + BASE64URL[n & 63];
  }
  // 16 bytes always end in two padding characters.
  return `${out}${BASE64URL[b[15] >>> 2]}${BASE64URL[(b[15] & 3) << 4]}==`;
}

/** TrailBase's id form → hyphenated lower-case UUID. */
export function base64ToUuid(id: string): string {
  if (!BASE64_ID_PATTERN.test(id)) throw new TypeError(`not a url-safe base64 UUID: ${id}`);
  return bytesToUuid(fromBase64(id));
}

function uuidToBytesChecked(uuid: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let ok = uuid.length === 36;
  for (let i = 0, at = 0; ok && at < 16; i += 2, at++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) ok = uuid.charCodeAt(i++) === 45; // '-'
    const high = hexValue(uuid.charCodeAt(i));
    const low = hexValue(uuid.charCodeAt(i + 1));
    bytes[at] = (high << 4) | low;
    ok &&= high >= 0 && low >= 0;
  }
  if (!ok) throw new TypeError(`not a UUID: ${uuid}`);
  return bytes;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1; // a-f, A-F
}

export function bytesToUuid(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
