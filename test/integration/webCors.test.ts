// A team server that refuses the browser's origin (CORS), met through the command palette's Connect
// command. In the web worker host the browser withholds the server's replies: FocusFlow must say which
// origin was refused and what to set on the server, not "cannot reach". In the Node host there is no
// browser and no CORS: the same server is simply usable, which this test checks too.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { browserOrigin } from '../../src/core/trailbase/originRefusal';
import type { FocusFlowApi } from '../../src/extension';
import type { ConnectResult } from '../../src/ui/team/connectCommands';
import type { TestServer } from '../server/harness';
import { activateExtension, logText, waitFor } from './helpers';
import { startTestServer } from './servers';
import { testConfig } from './testConfig';

const PASSWORD = 'focusflow-it-password';
const REFUSING = ['--cors-allowed-origins', 'http://example.invalid'];

describe('a team server that does not allow the browser origin (CORS)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: FocusFlowApi;

  before(async () => {
    ({ api } = await activateExtension());
    server = await startTestServer({ args: REFUSING });
    await vscode.commands.executeCommand('focusflow.disconnectTeam', { force: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('focusflow.disconnectTeam', { force: true });
    await server?.stop();
  });

  it('connect names the refused origin and --cors-allowed-origins in the web worker; the Node host connects', async () => {
    const email = `it-cors-${Date.now()}@example.com`;
    await server.createVerifiedUser(email, PASSWORD);
    const result = await vscode.commands.executeCommand<ConnectResult | undefined>('focusflow.connectTeam', {
      serverUrl: server.url,
      credentials: { email, password: PASSWORD },
    });
    if ((await testConfig()).expectedHost === 'node') {
      assert.strictEqual(result?.email, email, 'without a browser, CORS settings do not apply');
      return;
    }
    assert.strictEqual(result, undefined, 'a refused origin cannot connect');
    assert.strictEqual(api.connectionStatus(), 'disconnected');
    const origin = browserOrigin() ?? assert.fail('a web worker has an origin');
    const warned = await waitFor('the warning in the log', async () => {
      const { text } = await logText(api);
      return text.split('\n').find((line) => line.includes('does not accept requests from'));
    });
    console.log(`      logged: ${warned.trim()}`);
    assert.ok(warned.includes(`does not accept requests from ${origin}`), warned);
    assert.ok(warned.includes(`--cors-allowed-origins ${origin}`), warned);
    assert.ok(!warned.includes('Cannot reach'), warned);
    const stats = await server.stats();
    assert.ok((stats.requests['GET /api/healthcheck'] ?? 0) >= 1, `the no-cors probe reached the server: ${JSON.stringify(stats.requests)}`);
  });
});
