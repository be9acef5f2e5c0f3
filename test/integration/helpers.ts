// What integration tests share: the extension under test, an independent look at its database file,
// waiting for something the extension does asynchronously, and answering its quick picks.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import initSqlJs, { type SqlJsStatic, type SqlValue } from 'sql.js';
import type { FocusFlowApi } from '../../src/extension';
import { silentLogger } from '../../src/core/logger';
import { DEFAULT_JOURNAL_LIMIT_BYTES } from '../../src/core/store';
import { JournaledImage } from '../../src/core/store/journaledImage';
import { createNodeStorage } from '../../src/node/store/nodeStorage';
import { SqlJsDb } from '../../src/core/store/sqlDb';

export const EXTENSION_ID = 'focusflow.focusflow';

export interface ActivatedExtension {
  extension: vscode.Extension<FocusFlowApi>;
  /** What `activate()` resolved to: the storage folder, the database file, the status bar's text. */
  api: FocusFlowApi;
}

/** Activates FocusFlow in this host (a no-op when already active) and returns its API. */
export async function activateExtension(): Promise<ActivatedExtension> {
  const extension = vscode.extensions.getExtension<FocusFlowApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  const api = await extension.activate();
  if (!api || typeof api.dbPath !== 'string') throw new Error(`${EXTENSION_ID}'s activate() returned no API`);
  return { extension, api };
}

/** Read-only queries over one snapshot of a database file. */
export interface DbSnapshot {
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): T[];
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): T | undefined;
}

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({ wasmBinary: toArrayBuffer(fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'))) });
  return sqlJs;
}

/**
 * Opens the database as it is on disk now (the base with its journal replayed, as the store's own
 * loading path reads it, without taking the lock or changing a file) with a sql.js of the tests' own
 * (not the extension's instance), so a test sees only what the extension really persisted.
 */
export async function readDb<T>(file: string, read: (db: DbSnapshot) => T): Promise<T> {
  const SQL = await loadSqlJs();
  const storage = createNodeStorage(path.dirname(file), { lockName: `${path.basename(file)}.lock` });
  const image = new JournaledImage(SQL, storage, path.basename(file), silentLogger, DEFAULT_JOURNAL_LIMIT_BYTES, new SqlJsDb(new SQL.Database()));
  const { loaded } = await image.loadFromDisk();
  image.db.close();
  const db = loaded.db.raw;
  try {
    const all = <R>(sql: string, params: SqlValue[] = []): R[] => {
      const stmt = db.prepare(sql, params);
      const rows: R[] = [];
      try {
        while (stmt.step()) rows.push(stmt.getAsObject() as R);
      } finally {
        stmt.free();
      }
      return rows;
    };
    return read({ all, get: <R>(sql: string, params?: SqlValue[]) => all<R>(sql, params)[0] });
  } finally {
    loaded.db.close();
  }
}

/** Runs `sql` on the file while the extension is deactivated, as if an earlier run had left it so. */
export async function changeDbWhileInactive(file: string, sql: string, params: SqlValue[] = []): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  try {
    db.run(sql, params);
    fs.writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Polls `probe` until it returns something other than undefined/false, and returns that. A probe that
 * throws counts as "not yet"; its last error is quoted when the wait times out.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 5_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A path inside the repository. The test bundle runs from out/integration inside the host, so
 * run-integration.js hands the repository's location over in FOCUSFLOW_REPO_ROOT.
 */
export function repoPath(...segments: string[]): string {
  const root = process.env.FOCUSFLOW_REPO_ROOT;
  if (!root) throw new Error('FOCUSFLOW_REPO_ROOT is not set: run integration tests with npm run test:integration');
  return path.join(root, ...segments);
}

/**
 * SecretStorage for an activation the tests drive themselves (see focusLifecycle.test.ts): VS Code's
 * own instance belongs to the real context only. It keeps the same contract, in memory, so one instance
 * survives the tests' deactivate/activate cycle as the keychain survives a restart.
 */
export class MemorySecretStorage implements vscode.SecretStorage {
  readonly values = new Map<string, string>();
  /** While set, reads wait for it: a keychain that is slow to answer. */
  slowReads: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;

  async get(key: string): Promise<string | undefined> {
    await this.slowReads;
    return this.values.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changed.fire({ key });
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changed.fire({ key });
  }
}

/**
 * Keeps answering a quick pick with `command` until the command that opened it resolves. One command
 * only: of two sent in a row, the first may go out before the picker opens and the second after.
 */
export async function answerQuickPick<T>(pending: Thenable<T>, command: string): Promise<T> {
  let settled = false;
  const result = Promise.resolve(pending).finally(() => (settled = true));
  const deadline = Date.now() + 10_000;
  while (!settled && Date.now() < deadline) {
    await vscode.commands.executeCommand(command);
    await new Promise((r) => setTimeout(r, 100));
  }
  return result;
}
