// Entry of the integration bundle, loaded by the VS Code extension host as `extensionTestsPath`.
// run-integration.js bundles this module first and every `*.test.ts` after it, so the BDD globals that
// ./host/node (or, in the web worker bundle, ./host/web) installs exist when the test files' top-level
// `describe` calls run.
import * as vscode from 'vscode';
import { host } from './host/node';
import { testConfig, workspaceFolder } from './testConfig';

/** Where run-integration.js reads this host's counts for its closing line. */
const RESULT_FILE = '.focusflow-test-result.json';

/** Called by the extension host; a rejection makes the host exit non-zero. */
export async function run(): Promise<void> {
  const config = await testConfig();
  const { passes, failures, pending, tests } = await host.runMocha(config.grep);
  // The plain closing line CI reads, whatever reporter mocha used above it.
  console.log(`integration (${config.expectedHost} host): ${passes} passed, ${failures} failed, ${pending} skipped`);
  const result = JSON.stringify({ passes, failures, pending, tests });
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceFolder(), RESULT_FILE), new TextEncoder().encode(result));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
  if (tests === 0) throw new Error('no integration test ran');
}
