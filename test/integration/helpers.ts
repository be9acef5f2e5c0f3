// What integration tests share: the extension under test, an independent look at its database file,
// its files through vscode.workspace.fs, waiting for something the extension does asynchronously, and
// answering its quick picks. Nothing here may need Node: the same tests run in the web worker host.
import * as vscode from 'vscode';
import initSqlJs, { type SqlJsStatic, type SqlValue } from 'sql.js';
import type { ActivationContext, FocusFlowApi } from '../../src/extension';
import { silentLogger } from '../../src/core/logger';
import { DEFAULT_JOURNAL_LIMIT_BYTES, Store } from '../../src/core/store';
import { JournaledImage } from '../../src/core/store/journaledImage';
import { SqlJsDb } from '../../src/core/store/sqlDb';
import type { StoragePort } from '../../src/core/store/storagePort';
import { host } from './host/node';
import { workspaceFolder } from './testConfig';

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
  if (!api || !(api.dbUri instanceof vscode.Uri)) throw new Error(`${EXTENSION_ID}'s activate() returned no API`);
  return { extension, api };
}

/**
 * The context for an activation of the tests' own (`api.lifecycle.activate`): the real extension's
 * files, storage and log folder as given (read when called), and SecretStorage the test controls.
 */
export function activationContext(
  extension: vscode.Extension<unknown>,
  places: { storageUri: vscode.Uri; logUri: vscode.Uri },
  secrets: vscode.SecretStorage,
): ActivationContext {
  return { extensionUri: extension.extensionUri, globalStorageUri: places.storageUri, subscriptions: [], secrets, logUri: places.logUri };
}

/** Read-only queries over one snapshot of a database file. */
export interface DbSnapshot {
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): T[];
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): T | undefined;
}

let sqlJs: Promise<SqlJsStatic> | undefined;

/** sql.js's WebAssembly as the extension ships it, read as either host can. */
async function sqlWasm(): Promise<Uint8Array> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  return vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'sql-wasm.wasm'));
}

/** The tests' own sql.js (not the extension's instance). */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= sqlWasm().then((wasm) => initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }));
  return sqlJs;
}

/**
 * The storage port over a FocusFlow storage folder, as this host's build of the extension opens it:
 * files written or listed through it are in the host's own format (plain files on a disk, versioned
 * segments through vscode.workspace.fs).
 */
export function storageIn(folder: vscode.Uri): StoragePort {
  return host.storageFor(folder, 'focusflow.sqlite.lock');
}

/** A second Store on the extension's database, with a sql.js of its own: what another VS Code window is. */
export async function openAnotherStore(db: vscode.Uri): Promise<Store> {
  const { folder, name } = place(db);
  const storage = host.storageFor(folder, `${name}.lock`);
  // named as the extension names it (composition.ts): a path on a disk, else the URI
  const { store } = await Store.open({ file: db.scheme === 'file' ? db.fsPath : db.toString(true), logger: silentLogger, wasmBinary: await sqlWasm(), storage });
  return store;
}

/** The folder and file name of a database URI. */
function place(db: vscode.Uri): { folder: vscode.Uri; name: string } {
  const name = db.path.slice(db.path.lastIndexOf('/') + 1);
  return { folder: vscode.Uri.joinPath(db, '..'), name };
}

/** The database at `db` as the store's own loading path sees it, through this host's storage port. */
async function openImage(db: vscode.Uri): Promise<JournaledImage> {
  const SQL = await loadSqlJs();
  const { folder, name } = place(db);
  const storage = host.storageFor(folder, `${name}.lock`);
  const image = new JournaledImage(SQL, storage, name, silentLogger, DEFAULT_JOURNAL_LIMIT_BYTES, new SqlJsDb(new SQL.Database()));
  return image;
}

/**
 * Opens the database as it is on disk now (the base with its journal replayed, as the store's own
 * loading path reads it, without taking the lock or changing a file) with a sql.js of the tests' own
 * (not the extension's instance), so a test sees only what the extension really persisted.
 */
export async function readDb<T>(file: vscode.Uri, read: (db: DbSnapshot) => T): Promise<T> {
  const image = await openImage(file);
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

/**
 * Runs `sql` on the database while the extension is deactivated, as if an earlier run had left it so:
 * loaded as the store loads it, changed, and written back as a whole new base (a checkpoint).
 */
export async function changeDbWhileInactive(file: vscode.Uri, sql: string, params: SqlValue[] = []): Promise<void> {
  const { folder, name } = place(file);
  const storage = host.storageFor(folder, `${name}.lock`);
  const release = await storage.lock();
  try {
    const image = await openImage(file);
    const candidate = await image.loadFromDisk();
    image.adopt(candidate);
    image.db.raw.run(sql, params);
    await image.checkpoint();
    image.db.close();
  } finally {
    release();
  }
}

/** The file's bytes, or undefined when it does not exist (or went between a listing and the read). */
export async function readIfPresent(file: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(file);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && (err.code === 'FileNotFound' || err.code === 'EntryNotFound')) return undefined;
    throw err;
  }
}

/** The file's bytes as text, or undefined when it does not exist. */
export async function readText(file: vscode.Uri): Promise<string | undefined> {
  const bytes = await readIfPresent(file);
  return bytes && new TextDecoder().decode(bytes);
}

export async function exists(file: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(file).then(
    () => true,
    () => false,
  );
}

/** Every file under `folder` (recursively); none when it does not exist. */
export async function filesUnder(folder: vscode.Uri): Promise<vscode.Uri[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const nested = await Promise.all(
    entries.map(([name, type]) => {
      const full = vscode.Uri.joinPath(folder, name);
      return type & vscode.FileType.Directory ? filesUnder(full) : Promise.resolve([full]);
    }),
  );
  return nested.flat();
}

/**
 * Everything this extension host logged so far (every `.log` file in its log folder, FocusFlow's
 * channel among them), as the user's "Show Log" would show it.
 */
export async function logText(api: { logUri: vscode.Uri }): Promise<{ files: number; text: string }> {
  const files = (await filesUnder(vscode.Uri.joinPath(api.logUri, '..'))).filter((f) => f.path.endsWith('.log'));
  const texts = await Promise.all(files.map(async (f) => (await readText(f)) ?? ''));
  return { files: files.length, text: texts.join('\n') };
}

let scratchCount = 0;

/**
 * A new empty folder for one test (a storage folder for a re-activation, an export), under the test
 * workspace folder: a temp folder of this run that both hosts can write through vscode.workspace.fs.
 */
export async function scratchFolder(name: string): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(workspaceFolder(), 'scratch', `${name}-${Date.now().toString(36)}-${++scratchCount}`);
  await vscode.workspace.fs.createDirectory(folder);
  return folder;
}

export async function removeFolder(folder: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => undefined);
}

/**
 * Skips the running test in the web worker host, saying why on the console first: for what a browser
 * truly cannot do, never silently.
 */
export function skipInWebWorker(test: Mocha.Context, why: string): void {
  if (host.bundle !== 'web') return;
  console.log(`      skipped in the web worker host: ${why}`);
  test.skip();
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
