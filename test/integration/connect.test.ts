// Connecting to a team server from the command palette's commands, in a real VS Code host, against the
// local TrailBase-compatible server process on loopback.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FocusFlowApi } from '../../src/extension';
import type { ConnectResult } from '../../src/ui/team/connectCommands';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';
import { activateExtension, activationContext, filesUnder, logText, MemorySecretStorage, readDb, readIfPresent, waitFor } from './helpers';

const PASSWORD = 'focusflow-it-password';

/** Bytes as Latin-1 text: every byte one character, so a token's ASCII is found wherever it lies. */
const latin1 = new TextDecoder('latin1');

/** The text of every file under `folder` whose name passes `keep`. */
async function textOfFiles(folder: vscode.Uri, keep: (name: string) => boolean): Promise<{ names: string[]; text: string }> {
  const files = (await filesUnder(folder)).filter((f) => keep(f.path.slice(f.path.lastIndexOf('/') + 1)));
  // a file may go between the listing and the read (the lock file, a journal segment rewritten)
  const texts = await Promise.all(files.map(async (f) => latin1.decode((await readIfPresent(f)) ?? new Uint8Array(0))));
  return { names: files.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1)), text: texts.join('\n') };
}

describe('team connection in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let extension: vscode.Extension<FocusFlowApi>;
  let realApi: FocusFlowApi;
  let extensionModule: FocusFlowApi['lifecycle'];
  let userCount = 0;

  const newUser = async () => {
    const email = `it-connect-${Date.now()}-${++userCount}@example.com`;
    const { id } = await server.createVerifiedUser(email, PASSWORD);
    return { email, id };
  };
  const connect = (args: unknown) => vscode.commands.executeCommand<ConnectResult | undefined>('focusflow.connectTeam', args);

  before(async () => {
    server = await startTestServer();
    ({ extension, api: realApi } = await activateExtension());
    extensionModule = realApi.lifecycle;
  });

  after(async () => {
    await vscode.commands.executeCommand('focusflow.disconnectTeam', { force: true });
    await server?.stop();
  });

  it('connects through the command with arguments and keeps no secret in the database', async () => {
    const user = await newUser();
    const result = await connect({ serverUrl: server.url, credentials: { email: user.email, password: PASSWORD } });
    assert.deepStrictEqual(result, { userId: user.id, email: user.email, serverUrl: server.url });
    assert.strictEqual(realApi.connectionStatus(), 'connected');
    const row = await readDb(realApi.dbUri, (db) => db.get<Record<string, unknown>>('SELECT * FROM team_connection'));
    assert.strictEqual(row?.server_url, server.url);
    assert.strictEqual(row?.user_id, user.id);
    assert.strictEqual(row?.api_key, null, 'api_key stays empty: the tokens live in SecretStorage');
  });

  it('stores the tokens only in SecretStorage: not in the database file, not in the log; restores them after a restart', async () => {
    const user = await newUser();
    const secrets = new MemorySecretStorage();
    const context = activationContext(extension, realApi, secrets);
    await extensionModule.deactivate();
    try {
      let api = await extensionModule.activate(context);
      await connect({ serverUrl: server.url, credentials: { email: user.email, password: PASSWORD } });
      assert.strictEqual(secrets.values.size, 1, 'one SecretStorage entry for the server');
      const tokens = JSON.parse([...secrets.values.values()][0]) as { authToken: string; refreshToken: string };
      assert.ok(tokens.authToken.length > 20 && tokens.refreshToken.length > 20);

      // the database is the base file and the journal beside it: none of its files may hold a token
      const dbName = api.dbUri.path.slice(api.dbUri.path.lastIndexOf('/') + 1);
      const db = await textOfFiles(api.storageUri, (name) => name.startsWith(dbName));
      // the journal is `<db>.journal` on a disk and `<db>.journal~<version>…` segments through vscode.workspace.fs
      assert.ok(db.names.some((name) => name.startsWith(`${dbName}.journal`)), `the connection was saved through the journal (files: ${db.names.join(', ')})`);
      const dbBytes = db.text;
      const logs = await logText(api);
      assert.match(logs.text, /Connected to 127\.0\.0\.1/, `the FocusFlow log was not among ${logs.files} log files`);
      for (const [name, secret] of Object.entries(tokens)) {
        assert.ok(!dbBytes.includes(secret), `the ${name} is in the database files`);
        assert.ok(!logs.text.includes(secret), `the ${name} is in a log file`);
      }

      // A restart: the extension goes down and comes back with the same secrets, and signs in with no
      // prompt. While the keychain takes its time, the Team view says so instead of offering to connect.
      await extensionModule.deactivate();
      let answerReads = () => {};
      secrets.slowReads = new Promise((resolve) => (answerReads = resolve));
      api = await extensionModule.activate(context);
      await waitFor('the restore to begin', () => api.connectionStatus() === 'restoring');
      const keys = () => api.teamView()?.contextKeys() ?? {};
      await waitFor('the restoring keys', () => keys()['focusflow.restoring'] === true);
      assert.strictEqual(keys()['focusflow.connected'], false);
      secrets.slowReads = undefined;
      answerReads();
      await waitFor('the connection to be restored', () => api.connectionStatus() === 'connected');
      assert.strictEqual(keys()['focusflow.restoring'], false);

      const disconnected = await vscode.commands.executeCommand<{ disconnected: boolean }>('focusflow.disconnectTeam', { force: true });
      assert.strictEqual(disconnected?.disconnected, true);
      assert.strictEqual(secrets.values.size, 0, 'disconnect clears the secrets');
      assert.strictEqual(await readDb(api.dbUri, (db) => db.get('SELECT * FROM team_connection')), undefined);
    } finally {
      await extensionModule.deactivate();
      await extensionModule.activate({ ...context, secrets: new MemorySecretStorage() });
    }
  });

  it('answers a wrong password, a remote http:// address and an unreachable server with undefined, not an exception', async () => {
    const user = await newUser();
    await vscode.commands.executeCommand('focusflow.disconnectTeam', { force: true });
    const attempts = [
      { serverUrl: server.url, credentials: { email: user.email, password: 'wrong-password' } },
      { serverUrl: 'http://focus.example.com', credentials: { email: user.email, password: PASSWORD } },
      { serverUrl: 'http://127.0.0.1:9', credentials: { email: user.email, password: PASSWORD } },
    ];
    for (const attempt of attempts) {
      assert.strictEqual(await connect(attempt), undefined, `${attempt.serverUrl} should be refused`);
    }
    assert.strictEqual(realApi.connectionStatus(), 'disconnected');
  });
});
