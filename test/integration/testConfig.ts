// What run-integration.js tells the tests, in a JSON file in the test workspace folder: a web worker
// host has no process.env, and both hosts can read the folder through vscode.workspace.fs.
import * as vscode from 'vscode';

export const CONFIG_FILE = '.focusflow-test.json';

export interface TestConfig {
  /** The launcher service (test/host/launcher.ts) that starts local servers. */
  launcherUrl: string;
  /** Which extension host this run must be in: `node` or `web` (the web worker). */
  expectedHost: 'node' | 'web';
  /** FOCUSFLOW_TEST_GREP: run only the matching tests. */
  grep?: string;
  /** npm run screenshots: the walk-through asks the driver for pictures. */
  screenshots?: boolean;
}

let config: Promise<TestConfig> | undefined;

/** The workspace folder the host was opened on (a temp folder of this run). */
export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration host was opened without a workspace folder');
  return folder.uri;
}

export function testConfig(): Promise<TestConfig> {
  config ??= (async () => {
    const file = vscode.Uri.joinPath(workspaceFolder(), CONFIG_FILE);
    const bytes = await vscode.workspace.fs.readFile(file).then(undefined, (err: unknown) => {
      throw new Error(`${file.toString()} is missing (${(err as Error).message}): run integration tests with npm run test:integration`);
    });
    return JSON.parse(new TextDecoder().decode(bytes)) as TestConfig;
  })();
  return config;
}
