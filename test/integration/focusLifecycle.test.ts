// The extension's own start and stop in a real VS Code host. VS Code has no API to deactivate one
// extension and activate it again (only a window reload, which would end this test run), so these tests
// call the deactivate() and activate() of the very module VS Code loaded, with a context of the fields
// activation uses. That runs the real disposal and the real start-up against the real VS Code API; what
// it cannot show is VS Code's own extension loader, which the smoke test covers.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ActivationContext, FocusFlowApi } from '../../src/extension';
import { activateExtension, activationContext, changeDbWhileInactive, exists, MemorySecretStorage, readDb, removeFolder, scratchFolder, skipInWebWorker, storageIn, waitFor } from './helpers';
import { host } from './host/node';

interface SessionResult {
  id: string;
  state: string;
}

const run = (command: string, ...args: unknown[]) =>
  vscode.commands.executeCommand<SessionResult | undefined>(command, ...args) as Promise<SessionResult | undefined>;

describe('focus extension lifecycle in a real VS Code host', () => {
  let extension: vscode.Extension<unknown>;
  let realStorage: vscode.Uri;
  let logUri: vscode.Uri;
  const secrets = new MemorySecretStorage();
  let extensionModule: FocusFlowApi['lifecycle'];
  const scratch: vscode.Uri[] = [];

  const contextFor = (storage: vscode.Uri): ActivationContext => activationContext(extension, { storageUri: storage, logUri }, secrets);

  const stateOnDisk = (db: vscode.Uri, id: string) =>
    readDb(db, (db) => db.get<{ state: string }>('SELECT state FROM sessions WHERE id = ?', [id])?.state);

  before(async () => {
    const activated = await activateExtension();
    extension = activated.extension;
    realStorage = activated.api.storageUri;
    logUri = activated.api.logUri;
    // The module VS Code loaded, through its API: a web worker has no require() to reach it.
    extensionModule = activated.api.lifecycle;
  });

  afterEach(async () => {
    // Whatever a test did, the tests after it find FocusFlow running on its real storage.
    await extensionModule.deactivate();
    await extensionModule.activate(contextFor(realStorage));
  });

  after(async () => {
    for (const dir of scratch) await removeFolder(dir);
  });

  it('keeps a running session across deactivate and activate', async () => {
    const api = await extensionModule.activate(contextFor(realStorage));
    const leftOver = await readDb(api.dbUri, (db) => db.get("SELECT id FROM sessions WHERE state IN ('running', 'paused')"));
    if (leftOver) await run('focusflow.cancelFocus');
    const started = (await run('focusflow.startFocus', { minutes: 30, label: 'survives' })) ?? assert.fail('startFocus returned nothing');

    await extensionModule.deactivate();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('focusflow.pauseFocus')),
      /not found/,
      'deactivate() should have unregistered the commands',
    );
    assert.strictEqual(await stateOnDisk(api.dbUri, started.id), 'running', 'the session is still running on disk');

    const again = await extensionModule.activate(contextFor(realStorage));
    assert.match(again.statusBarText() ?? '', /^\$\(clock\) (30:00|29:5\d)$/, 'the countdown continues');
    const paused = await run('focusflow.pauseFocus');
    assert.strictEqual(paused?.id, started.id, 'the re-activated extension acts on the same session');
    assert.strictEqual(await stateOnDisk(again.dbUri, started.id), 'paused');
    await run('focusflow.cancelFocus');
  });

  it('pauses a session left running while VS Code was closed at the idle limit after the last activity', async function () {
    // The last activity is the beacon file's modification time, set here as an earlier run left it.
    skipInWebWorker(
      this,
      'the web build keeps no last activity across a closed browser (tabs share it over a BroadcastChannel, no file), so there is nothing to pause at; the Node host runs this test',
    );
    const storage = await scratchFolder('idle');
    scratch.push(storage);
    const settings = vscode.workspace.getConfiguration('focusflow');
    await settings.update('focus.autoPauseIdleMinutes', 5, vscode.ConfigurationTarget.Global);
    try {
      await extensionModule.deactivate();
      const first = await extensionModule.activate(contextFor(storage));
      const started = (await run('focusflow.startFocus', { minutes: 60 })) ?? assert.fail('startFocus returned nothing');
      await extensionModule.deactivate();

      // As if the session had started 40 minutes ago and the user had quit VS Code 10 minutes into it.
      const minute = 60_000;
      const startedAt = Date.now() - 40 * minute;
      await changeDbWhileInactive(first.dbUri, 'UPDATE sessions SET start_time = ?, created_at = ?, last_modified = ? WHERE id = ?', [
        new Date(startedAt).toISOString(),
        new Date(startedAt).toISOString(),
        new Date(startedAt).toISOString(),
        started.id,
      ]);
      const lastActivity = startedAt + 10 * minute;
      const beacon = vscode.Uri.joinPath(storage, 'focusflow.activity');
      await vscode.workspace.fs.writeFile(beacon, new Uint8Array(0));
      await host.setModifiedTime(beacon, lastActivity);

      const again = await extensionModule.activate(contextFor(storage));
      const pausedAt = await waitFor('the session to be paused for idleness', () =>
        readDb(again.dbUri, (db) => db.get<{ paused_at: string | null }>('SELECT paused_at FROM sessions WHERE id = ?', [started.id])?.paused_at ?? undefined),
      );
      assert.strictEqual(Date.parse(pausedAt), lastActivity + 5 * minute, 'paused at the idle limit, not credited with the time VS Code was closed');
      await run('focusflow.cancelFocus');
    } finally {
      await settings.update('focus.autoPauseIdleMinutes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('keeps answering commands, without throwing, when its storage folder cannot be created', async () => {
    const dir = await scratchFolder('unwritable');
    scratch.push(dir);
    const blocker = vscode.Uri.joinPath(dir, 'not-a-folder');
    await vscode.workspace.fs.writeFile(blocker, new TextEncoder().encode('a file where the storage folder should be'));

    await extensionModule.deactivate();
    const api = await extensionModule.activate(contextFor(vscode.Uri.joinPath(blocker, 'globalStorage')));
    assert.strictEqual(api.statusBarText(), undefined, 'no timer is shown without a database');
    for (const command of ['focusflow.startFocus', 'focusflow.pauseFocus', 'focusflow.showHistory']) {
      assert.strictEqual(await vscode.commands.executeCommand(command, { minutes: 25 }), undefined, `${command} must answer, not throw`);
    }
    assert.strictEqual(await exists(api.dbUri), false);
  });

  it('moves a corrupt database aside and keeps working on a fresh one', async () => {
    const storage = await scratchFolder('corrupt');
    scratch.push(storage);
    // written through the store's own port, so it is the database file in this host's format
    const files = storageIn(storage);
    await files.replace('focusflow.sqlite', new TextEncoder().encode('this is not a database'));

    await extensionModule.deactivate();
    const api = await extensionModule.activate(contextFor(storage));
    const movedAside = (await files.list('focusflow.sqlite.corrupt-')).map((f) => f.name);
    const all = (await files.list('focusflow.sqlite')).map((f) => f.name);
    assert.strictEqual(movedAside.length, 1, `files: ${all.join(', ')}`);
    const kept = await files.read(movedAside[0]);
    assert.strictEqual(kept && new TextDecoder().decode(kept), 'this is not a database', 'the old file is kept as it was');

    const started = (await run('focusflow.startFocus', { minutes: 25 })) ?? assert.fail('startFocus returned nothing on the fresh database');
    assert.strictEqual(await stateOnDisk(api.dbUri, started.id), 'running');
    await run('focusflow.cancelFocus');
  });
});

