// The web worker extension host's side of the suite (see kit.ts): mocha's browser build bundled in,
// and FocusFlow's files through vscode.workspace.fs, as the web build of the extension keeps them.
// run-integration.js puts this module in place of host/node.ts in the web worker bundle.
import { createWorkspaceStorage } from '../../../src/web/workspaceStorage';
import { runToCounts, type HostKit, type RunStats } from './kit';

interface BrowserMocha {
  setup(o: { ui: string; reporter: undefined; timeout: number }): void;
  grep(re: string): void;
  run(done: (failures: number) => void): { stats?: Partial<RunStats> };
}

// mocha's browser build installs `mocha` and, after setup, the BDD globals on the worker's global scope
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('mocha/mocha');
const mocha = (globalThis as unknown as { mocha: BrowserMocha }).mocha;
// reporter undefined: spec, whose lines go to console.log (the browser build's stdout), which the driver prints
mocha.setup({ ui: 'bdd', reporter: undefined, timeout: 30_000 });

export const host: HostKit = {
  bundle: 'web',
  runMocha(grep) {
    if (grep) mocha.grep(grep);
    return runToCounts((done) => mocha.run(done));
  },
  storageFor(folder, lockName) {
    return createWorkspaceStorage(folder, { lockName });
  },
  setModifiedTime() {
    return Promise.reject(new Error('vscode.workspace.fs cannot set a file time'));
  },
};
