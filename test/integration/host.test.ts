// Which extension host this run is in, checked against the one run-integration.js asked for: a run
// meant for the web worker that silently fell back to the Node host (or the other way) fails here.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';
import { host } from './host/node';
import { testConfig } from './testConfig';

describe('the extension host of this run', () => {
  it('is the host the run asked for, by every sign the extension can see', async () => {
    const { expectedHost } = await testConfig();
    const { extension, api } = await activateExtension();
    const seen = {
      bundle: host.bundle,
      // the web worker has no Node globals at all
      nodeProcess: typeof process !== 'undefined',
      extensionKind: extension.extensionKind,
      storageOnLocalDisk: api.storageUri.scheme === 'file',
    };
    console.log(`      host: ${JSON.stringify({ ...seen, storageScheme: api.storageUri.scheme, remoteName: vscode.env.remoteName ?? null })}`);
    const expected =
      expectedHost === 'web'
        ? { bundle: 'web', nodeProcess: false, extensionKind: vscode.ExtensionKind.UI, storageOnLocalDisk: false }
        : {
            bundle: 'node',
            nodeProcess: true,
            // desktop VS Code runs a local extension as UI; code-server's Node host is the remote (workspace) side
            extensionKind: vscode.env.remoteName ? vscode.ExtensionKind.Workspace : vscode.ExtensionKind.UI,
            storageOnLocalDisk: true,
          };
    assert.deepStrictEqual(seen, expected, `expected the ${expectedHost} host`);
  });
});
