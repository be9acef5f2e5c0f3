// What differs between the two extension hosts the integration suite runs in, behind one shape: the
// Node host (host/node.ts) and the web worker host (host/web.ts). run-integration.js bundles the suite
// once per host and points `./host/node` at the right one, so the web bundle never pulls in `fs`.
import type * as vscode from 'vscode';
import type { StoragePort } from '../../../src/core/store/storagePort';

export interface RunStats {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
}

export interface HostKit {
  /** `node` or `web`: the host this bundle was built for. */
  readonly bundle: 'node' | 'web';
  /** Runs the tests registered so far (mocha's BDD globals are installed when the module loads). */
  runMocha(grep: string | undefined): Promise<RunStats>;
  /** The store's storage port over `folder`, as FocusFlow itself opens it in this host. */
  storageFor(folder: vscode.Uri, lockName: string): StoragePort;
  /** Sets a file's modification time (a test's "as an earlier run left it"); the web worker cannot. */
  setModifiedTime(file: vscode.Uri, ms: number): Promise<void>;
}

/** Starts a mocha run with `start` (node or browser mocha's `run`) and resolves to its counts at the end. */
export function runToCounts(start: (done: () => void) => { stats?: Partial<RunStats> }): Promise<RunStats> {
  return new Promise((resolve) => {
    const runner = start(() => {
      const { passes = 0, failures = 0, pending = 0, tests = 0 } = runner.stats ?? {};
      resolve({ passes, failures, pending, tests });
    });
  });
}
