import { fromBase64, toBase64 } from '../bytes';
import { crc32 } from './crc32';
import type { SqlParam } from './sqlDb';

/**
 * One table's part of a commit: the after-image of every row it wrote, and the rowids it deleted. Empty
 * lists are left out: at 100k sessions the checkpoint's image dominates the bytes a change costs, and
 * the fewer bytes a record takes, the more commits the journal's bound holds between two checkpoints.
 */
export interface TableChanges {
  /**
   * The column names, in the order of each upserted row's values after its rowid. Absent (as the store
   * writes them): every column of the table in declared order, as `SELECT *` lists them. The schema
   * cannot change within a generation (a schema change is a checkpoint), so the table a record is
   * replayed on has the columns it was captured from; naming them in every record would be most of its
   * bytes. Records written with names are still read.
   */
  columns?: string[];
  /** Whole after-images: rows inserted, or rows whose changed columns are not known. */
  upserts?: [rowid: number, ...values: SqlParam[]][];
  /**
   * Rows that were only updated: the mask's bit i says column i of the table (declared order) changed,
   * and the values are those columns' new values, in that order. Replay updates just them.
   */
  updates?: [rowid: number, mask: number, ...values: SqlParam[]][];
  deletes?: number[];
}

/** What one committed write group changed, enough to redo it on the base image it was made on. */
export interface JournalRecord {
  /** The generation of the base image the record applies to (see `generation.ts`). */
  generation: string;
  /**
   * The version of the base file the record was written on (its inode on Node). A base that another
   * program rewrote (an older FocusFlow, which keeps the generation row it does not know) has another.
   */
  base: string;
  /** Consecutive within a generation, from 1. */
  seq: number;
  tables: Record<string, TableChanges>;
  /** All of `sqlite_sequence` when the commit changed it (AUTOINCREMENT), which the update hook never reports. */
  sequences?: [name: string, seq: number][];
}

const HEADER = 8;

/**
 * Records since the compact format (no column names, updates as changed columns) keep their tables under
 * `changes`, leave `tables` empty, and mark their generation. The first journaling build (0.1.0) reads
 * `tables` and compares the generation with its base's: to it such a journal is one of another base,
 * which it keeps aside as `.stale-<time>` and names in its log, instead of applying part of a record it
 * cannot read or cutting the journal off as damaged.
 */
const COMPACT_MARK = '#compact';

/** The record as it is written: see COMPACT_MARK. */
interface StoredRecord extends Omit<JournalRecord, 'tables'> {
  tables: Record<string, TableChanges>;
  changes?: Record<string, TableChanges>;
}
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A record on disk: payload length and CRC-32 (both little-endian u32), then the payload as JSON. The
 * length finds the end of a record, the checksum proves all of it reached the disk, so a record cut short
 * by a crash or garbled by the disk is recognised and never applied.
 */
export function encodeRecord(record: JournalRecord): Uint8Array {
  const stored: StoredRecord = { ...record, generation: `${record.generation}${COMPACT_MARK}`, tables: {}, changes: record.tables };
  const payload = encoder.encode(JSON.stringify(stored, (_key, value: unknown) => encodeValue(value)));
  const bytes = new Uint8Array(HEADER + payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  bytes.set(payload, HEADER);
  return bytes;
}

export interface DecodedJournal {
  /** `legacy`: written by the first journaling build, with column names and whole rows (still replayed). */
  records: { record: JournalRecord; end: number; legacy?: boolean }[];
  /** Where the readable records stop, when bytes follow them: why those bytes are not a record. */
  damaged?: { offset: number; reason: string };
  /** Bytes of a record still being written: a length that runs past the end of what was read. */
  incomplete?: { offset: number };
}

/** Reads the complete, intact records of `bytes`; `base` is the file offset of `bytes[0]`. */
export function decodeRecords(bytes: Uint8Array, base = 0): DecodedJournal {
  const records: DecodedJournal['records'] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER) return { records, incomplete: { offset: base + at } };
    const length = view.getUint32(at, true);
    if (length === 0) return { records, damaged: { offset: base + at, reason: 'zeroed bytes where a record should start' } };
    if (at + HEADER + length > bytes.length) return { records, incomplete: { offset: base + at } };
    const payload = bytes.subarray(at + HEADER, at + HEADER + length);
    if (crc32(payload) !== view.getUint32(at + 4, true)) {
      return { records, damaged: { offset: base + at, reason: 'a record whose checksum does not match' } };
    }
    let record: JournalRecord;
    let legacy: boolean;
    try {
      ({ record, legacy } = fromStored(JSON.parse(decoder.decode(payload)) as StoredRecord));
      reviveValues(record);
    } catch (err) {
      return { records, damaged: { offset: base + at, reason: `a record that cannot be read (${(err as Error).message})` } };
    }
    at += HEADER + length;
    records.push(legacy ? { record, end: base + at, legacy } : { record, end: base + at });
  }
  return { records };
}

function fromStored(stored: StoredRecord): { record: JournalRecord; legacy: boolean } {
  const { changes, ...rest } = stored;
  if (!changes) return { record: stored, legacy: true };
  if (!stored.generation.endsWith(COMPACT_MARK)) throw new Error('a compact record without its mark');
  return { record: { ...rest, generation: stored.generation.slice(0, -COMPACT_MARK.length), tables: changes }, legacy: false };
}

// JSON has neither bytes nor infinities; SQLite has both.
function encodeValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b: toBase64(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $n: String(value) };
  return value;
}

/** Turns encoded bytes and infinities back into values; only row values can hold them. A reviver on
 *  JSON.parse would visit every key and cost more than the parse itself at replay. */
function reviveValues(record: JournalRecord): JournalRecord {
  for (const changes of Object.values(record.tables)) {
    for (const row of changes.upserts ?? []) revive(row, 1);
    for (const row of changes.updates ?? []) revive(row, 2);
  }
  return record;
}

function revive(row: unknown[], from: number): void {
  for (let i = from; i < row.length; i++) if (row[i] !== null && typeof row[i] === 'object') row[i] = decodeValue(row[i]);
}

function decodeValue(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { $b?: unknown; $n?: unknown };
    if (typeof v.$b === 'string') return fromBase64(v.$b);
    if (typeof v.$n === 'string') return Number(v.$n);
  }
  return value;
}
