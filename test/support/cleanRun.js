// `npm test` = `node test/support/cleanRun.js npm run test:steps`: runs the steps in a scratch temp
// folder of their own (see scratch.js), removes it, and then checks that the run left nothing else in
// the system's temp folder: a test that writes around TMPDIR (a fixed /tmp path, say) fails the run
// here, by name, instead of filling a developer's disk twenty runs a day.
const { spawn } = require('child_process');
const fs = require('fs');
const { claimScratch, PREFIX } = require('./scratch');

/** Names the tests, the local server, code-server, VS Code and Chromium give their temp files. */
const OURS = /^(focusflow|vscode|code-server|playwright|chromium|\.org\.chromium|tsx-|esbuild)/i;

function list(dir) {
  try {
    return new Set(fs.readdirSync(dir));
  } catch {
    return new Set();
  }
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node test/support/cleanRun.js COMMAND [ARGS…]');
  process.exit(2);
}
const { dir, systemTmp, owned } = claimScratch();
const before = list(systemTmp);
// the child shares our process group, so Ctrl-C reaches it too; we only wait for it to end
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
const child = spawn(command, args, { stdio: 'inherit' });
child.on('error', (err) => {
  console.error(`cleanRun: could not start ${command}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (owned) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  // other runs' own scratch folders (parallel runs on one machine) are theirs to remove
  const appeared = [...list(systemTmp)].filter((name) => !before.has(name) && !name.startsWith(PREFIX));
  // What our tests and their tools name their files fails the run; anything else may be another
  // program's on a shared machine, so it is only reported.
  const left = appeared.filter((name) => OURS.test(name));
  const others = appeared.filter((name) => !OURS.test(name));
  if (others.length > 0) console.log(`temp check: new in ${systemTmp} during the run, not named like ours: ${others.join(', ')}`);
  if (left.length > 0) {
    console.error(`temp check: the run left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in ${systemTmp}: ${left.join(', ')}`);
    process.exit(code || 1);
  }
  if (code === 0) console.log(`temp check: the run left nothing behind in ${systemTmp}`);
  process.exit(code ?? 128 + (signal === 'SIGINT' ? 2 : 15));
});
