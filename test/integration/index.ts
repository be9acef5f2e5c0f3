// Entry of the integration bundle, loaded by the VS Code extension host as `extensionTestsPath`.
// run-integration.js bundles this module first and every `*.test.ts` after it, so the BDD globals set
// here exist when the test files' top-level `describe` calls run.
import Mocha from 'mocha';

// FOCUSFLOW_TEST_GREP runs only the matching tests (npm run screenshots runs the demo walk-through).
const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 30_000, grep: process.env.FOCUSFLOW_TEST_GREP });
mocha.suite.emit('pre-require', globalThis, 'integration', mocha);

/** Called by the extension host; a rejection makes the host exit non-zero. */
export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    const runner = mocha.run(() => {
      const { passes = 0, failures = 0, tests = 0 } = runner.stats ?? {};
      // The plain closing line CI reads, whatever reporter mocha used above it.
      console.log(`integration: ${passes} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else if (tests === 0) reject(new Error('no integration test ran'));
      else resolve();
    });
  });
}
