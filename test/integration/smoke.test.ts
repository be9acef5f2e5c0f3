// The extension as a user installs it: it loads in a real extension host, every command its manifest
// promises is really there, and it stays out of VS Code's startup path.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './helpers';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

/** The commands issue 2 promises users; the manifest may add more, never fewer. */
const focusCommands = [
  'focusflow.startFocus',
  'focusflow.pauseFocus',
  'focusflow.resumeFocus',
  'focusflow.stopFocus',
  'focusflow.cancelFocus',
  'focusflow.startBreak',
  'focusflow.showHistory',
];

function manifest() {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  const json = extension.packageJSON as {
    activationEvents?: string[];
    contributes?: { commands?: ContributedCommand[] };
  };
  return { activationEvents: json.activationEvents ?? [], commands: json.contributes?.commands ?? [] };
}

describe('FocusFlow in a real VS Code extension host', () => {
  it('activates lazily, never on every startup event', () => {
    const { activationEvents } = manifest();
    assert.ok(activationEvents.length > 0, 'no activation event: the extension would never load');
    assert.ok(!activationEvents.includes('*'), `activationEvents contains "*": ${activationEvents.join(', ')}`);
  });

  it('activates without error and hands tests its storage places', async () => {
    const { extension, api } = await activateExtension();
    assert.strictEqual(extension.isActive, true);
    assert.strictEqual(api.storageUri.toString(), extension.exports.storageUri.toString());
    assert.ok(api.dbUri.toString().startsWith(`${api.storageUri.toString()}/`), `the database ${api.dbUri.toString()} is outside ${api.storageUri.toString()}`);
  });

  it('contributes every focus command', () => {
    const contributed = manifest().commands.map((c) => c.command);
    assert.deepStrictEqual(focusCommands.filter((c) => !contributed.includes(c)), []);
  });

  it('registers every command its manifest contributes', async () => {
    await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest().commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], 'contributed but not registered after activation');
  });

  it('lists every command under the FocusFlow category', () => {
    const { commands } = manifest();
    assert.ok(commands.length > 0, 'the manifest contributes no command');
    const elsewhere = commands.filter((c) => c.category !== 'FocusFlow').map((c) => `${c.command} (${c.category})`);
    assert.deepStrictEqual(elsewhere, []);
  });
});
