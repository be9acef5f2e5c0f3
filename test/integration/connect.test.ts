// Connecting to a team server from the command palette's commands, in a real VS Code host, against the
// local TrailBase-compatible server process on loopback.
import * as assert from 'assert';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ActivationContext, FocusFlowApi } from '../../src/extension';
import type { ConnectResult } from '../../src/ui/team/connectCommands';
import { startTestServer, type TestServer } from '../server/harness';
import { activateExtension, MemorySecretStorage, readDb, waitFor } from './helpers';

const PASSWORD = 'focusflow-it-password';

interface ExtensionModule {
  activate(context: ActivationContext): Promise<FocusFlowApi>;
  deactivate(): Promise<void>;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('team connection in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let extension: vscode.Extension<FocusFlowApi>;
  let realApi: FocusFlowApi;
  let extensionModule: ExtensionModule;
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
    extensionModule = createRequire(__filename)(path.join(extension.extensionPath, 'dist', 'extension.js')) as ExtensionModule;
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
    const row = await readDb(realApi.dbPath, (db) => db.get<Record<string, unknown>>('SELECT * FROM team_connection'));
    assert.strictEqual(row?.server_url, server.url);
    assert.strictEqual(row?.user_id, user.id);
    assert.strictEqual(row?.api_key, null, 'api_key stays empty: the tokens live in SecretStorage');
  });

  it('stores the tokens only in SecretStorage: not in the database file, not in the log; restores them after a restart', async () => {
    const user = await newUser();
    const storage = realApi.storagePath;
    const secrets = new MemorySecretStorage();
    const context: ActivationContext = {
      extensionUri: extension.extensionUri,
      globalStorageUri: vscode.Uri.file(storage),
      subscriptions: [],
      secrets,
      logUri: vscode.Uri.file(realApi.logPath),
    };
    await extensionModule.deactivate();
    try {
      let api = await extensionModule.activate(context);
      await connect({ serverUrl: server.url, credentials: { email: user.email, password: PASSWORD } });
      assert.strictEqual(secrets.values.size, 1, 'one SecretStorage entry for the server');
      const tokens = JSON.parse([...secrets.values.values()][0]) as { authToken: string; refreshToken: string };
      assert.ok(tokens.authToken.length > 20 && tokens.refreshToken.length > 20);

      // The base and the journal beside it: a save sits in the journal until the next checkpoint.
      const dbBytes = [api.dbPath, `${api.dbPath}.journal`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('');
      const logFiles = filesUnder(path.dirname(api.logPath)).filter((f) => f.endsWith('.log'));
      const logText = logFiles.map((f) => fs.readFileSync(f, 'latin1')).join('\n');
      assert.match(logText, /Connected to 127\.0\.0\.1/, `the FocusFlow log was not among ${logFiles.length} log files`);
      for (const [name, secret] of Object.entries(tokens)) {
        assert.ok(!dbBytes.includes(secret), `the ${name} is in the database file`);
        assert.ok(!logText.includes(secret), `the ${name} is in a log file`);
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
      assert.strictEqual(await readDb(api.dbPath, (db) => db.get('SELECT * FROM team_connection')), undefined);
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
