// The store over vscode.workspace.fs (src/web/workspaceStorage.ts), as the web worker build keeps it, in
// whichever host this suite runs: real files through the host's own file system, real sql.js, reopened
// as another tab would. Only what a crash could leave behind is written by hand here (a torn file).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { silentLogger } from '../../src/core/logger';
import { Store, type SqlDb } from '../../src/core/store';
import { createWorkspaceStorage, SEGMENT_BYTES } from '../../src/web/workspaceStorage';
import { parseSegmentNames } from '../../src/web/segments';

const EXTENSION_ID = 'focusflow.focusflow';

describe('web storage: the store over vscode.workspace.fs', function () {
  this.timeout(120_000);
  let root: vscode.Uri;
  let wasmBinary: Uint8Array;
  const opened: Store[] = [];

  before(async () => {
    const extension = vscode.extensions.getExtension<{ storageUri: vscode.Uri }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const api = await extension.activate();
    root = vscode.Uri.joinPath(api.storageUri, 'web-storage-tests');
    wasmBinary = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'sql-wasm.wasm'));
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  });

  after(async () => {
    await vscode.workspace.fs.delete(root, { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  let folders = 0;
  const newFolder = () => vscode.Uri.joinPath(root, `case-${Date.now()}-${folders++}`);

  /** A window (a browser tab) opening the store in `folder`. */
  async function openTab(folder: vscode.Uri, pollMs = 60_000): Promise<Store> {
    const storage = createWorkspaceStorage(folder, { lockName: `focusflow-test:${folder.toString()}` });
    const { store } = await Store.open({ file: vscode.Uri.joinPath(folder, 'focusflow.sqlite').toString(true), logger: silentLogger, wasmBinary, storage, pollMs });
    opened.push(store);
    return store;
  }

  const insert = (id: string) => (db: SqlDb) => {
    const start = new Date().toISOString();
    db.run(
      `INSERT INTO sessions (id, kind, label, start_time, end_time, planned_duration_minutes, actual_duration_seconds,
         state, completed, created_at, last_modified) VALUES (?, 'focus', ?, ?, ?, 25, 1500, 'completed', 1, ?, ?)`,
      [id, `label ${id} ${'x'.repeat(200)}`, start, start, start, start],
    );
  };
  const ids = (store: Store) => store.read((db) => db.all<{ id: string }>('SELECT id FROM sessions ORDER BY id').map((r) => r.id));
  const files = async (folder: vscode.Uri) => (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name);

  it('keeps every acknowledged commit for the next tab, each commit one bounded segment rewrite', async () => {
    const folder = newFolder();
    const tab = await openTab(folder);
    const written: string[] = [];
    for (let i = 0; i < 150; i++) {
      const id = `s-${String(i).padStart(3, '0')}`;
      await tab.write(insert(id));
      written.push(id);
    }
    // the first tab is still open (no checkpoint on close): the second reads base + journal
    const other = await openTab(folder);
    assert.deepStrictEqual(ids(other), written);
    const journal = parseSegmentNames(await files(folder)).filter((s) => s.name === 'focusflow.sqlite.journal');
    assert.ok(journal.length >= 2, `150 commits of ~500 bytes span more than one ${SEGMENT_BYTES}-byte segment: ${journal.map((s) => s.file).join(', ')}`);
    for (const s of journal) assert.ok(s.size <= SEGMENT_BYTES, `${s.file} is over the segment bound`);
    assert.deepStrictEqual(journal.map((s) => s.index), journal.map((_, i) => i), 'one copy per segment is left: the rewritten ones were removed');
  });

  it('two tabs writing at once lose nothing and end up seeing the same rows', async () => {
    const folder = newFolder();
    const a = await openTab(folder, 100);
    const b = await openTab(folder, 100);
    await Promise.all(Array.from({ length: 40 }, (_, i) => [a.write(insert(`a-${String(i).padStart(2, '0')}`)), b.write(insert(`b-${String(i).padStart(2, '0')}`))]).flat());
    const expected = [...Array.from({ length: 40 }, (_, i) => `a-${String(i).padStart(2, '0')}`), ...Array.from({ length: 40 }, (_, i) => `b-${String(i).padStart(2, '0')}`)];
    const third = await openTab(folder);
    assert.deepStrictEqual(ids(third), expected);
    const deadline = Date.now() + 10_000;
    while ((ids(a).length < 80 || ids(b).length < 80) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepStrictEqual(ids(a), expected, 'tab A took in what tab B wrote');
    assert.deepStrictEqual(ids(b), expected, 'tab B took in what tab A wrote');
  });

  it('never reads a torn journal rewrite, and the next commit clears it', async () => {
    const folder = newFolder();
    const tab = await openTab(folder);
    for (let i = 0; i < 5; i++) await tab.write(insert(`kept-${i}`));
    const last = parseSegmentNames(await files(folder)).filter((s) => s.name === 'focusflow.sqlite.journal').sort((x, y) => x.index - y.index).at(-1);
    assert.ok(last, 'a journal segment was written');
    // A crash while the next commit rewrote the segment: a copy named for 700 more bytes, holding fewer.
    const before = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, last.file));
    const torn = `focusflow.sqlite.journal~${last.version}.${last.index}.${last.size + 700}`;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, torn), new Uint8Array([...before, 1, 2, 3]));
    const other = await openTab(folder);
    assert.deepStrictEqual(ids(other), ['kept-0', 'kept-1', 'kept-2', 'kept-3', 'kept-4']);
    await other.write(insert('after'));
    assert.ok(!(await files(folder)).includes(torn), 'the torn copy is gone after the next commit');
    const third = await openTab(folder);
    assert.deepStrictEqual(ids(third), ['after', 'kept-0', 'kept-1', 'kept-2', 'kept-3', 'kept-4']);
  });

  it('a tab that cannot get the lock in time is told what holds it and what to do', async function () {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) {
      console.log('      (skipped: this host has no Web Locks API, navigator.locks; the web worker host has it)');
      this.skip();
    }
    const folder = newFolder();
    const lockName = `focusflow-test-held:${folder.toString()}`;
    // another tab holds the lock and does not let go
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    let granted!: () => void;
    const grantedToOther = new Promise<void>((resolve) => (granted = resolve));
    void locks.request(lockName, () => {
      granted();
      return held;
    });
    await grantedToOther;
    try {
      const storage = createWorkspaceStorage(folder, { lockName, lockTimeoutMs: 500 });
      await assert.rejects(storage.lock(), (err: Error & { code?: string }) => {
        assert.strictEqual(err.code, 'lock-timeout');
        assert.match(err.message, /another tab or window of this browser/);
        assert.match(err.message, /reload/i);
        return true;
      });
    } finally {
      letGo();
    }
    const storage = createWorkspaceStorage(folder, { lockName, lockTimeoutMs: 5_000 });
    (await storage.lock())();
  });

  it('a checkpoint torn by a crash leaves the old base and its journal in charge', async () => {
    const folder = newFolder();
    const tab = await openTab(folder);
    for (let i = 0; i < 3; i++) await tab.write(insert(`row-${i}`));
    const base = parseSegmentNames(await files(folder)).find((s) => s.name === 'focusflow.sqlite');
    assert.ok(base, 'a base was written');
    // the next version's base, cut short: named for a whole image, holding 100 bytes of one
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, `focusflow.sqlite~${base.version + 1}.0.${base.size}`), new Uint8Array(100));
    const other = await openTab(folder);
    assert.deepStrictEqual(ids(other), ['row-0', 'row-1', 'row-2']);
  });
});
