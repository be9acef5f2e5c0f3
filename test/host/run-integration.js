// `npm run test:integration`: bundles test/integration into out/integration/index.js and runs it inside
// a real VS Code extension host. Desktop VS Code (downloaded by @vscode/test-electron) comes first; where
// it cannot be downloaded or shown, the headless code-server host from this folder runs the same bundle.
// Exit status: the tests' own; non-zero with a reason when no host could run them (never a silent skip).
// FOCUSFLOW_TEST_HOST=code-server|vscode picks a host and turns the fallback off.
const { spawn, spawnSync } = require('child_process');
const esbuild = require('esbuild');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { claimScratch } = require('../support/scratch');

// before anything makes a temp file: the host, Chromium and the tests all write inside this run's folder
claimScratch();
const root = path.resolve(__dirname, '../..');
const testsDir = path.join(root, 'test/integration');
const bundle = path.join(root, 'out/integration/index.js');
const hostDir = path.join(root, '.vscode-test-host');
const forcedHost = process.env.FOCUSFLOW_TEST_HOST;

/** What the tests read from process.env inside the extension host (see README.md here). */
const testEnv = {
  FOCUSFLOW_REPO_ROOT: root,
  // for child processes: inside the host process.execPath is code-server's Node 24 or desktop Electron,
  // and native modules (better-sqlite3 in the local server) are built for this Node only
  FOCUSFLOW_NODE: process.execPath,
  // npm run screenshots: where the demo walk-through asks the driver to save pictures of the window
  ...(process.env.SCREENSHOT_DIR ? { SCREENSHOT_DIR: path.resolve(process.env.SCREENSHOT_DIR) } : {}),
};

function findTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * Gives each bundled source file its own __dirname and __filename, as it has when run unbundled (the
 * server harness finds main.ts beside itself), instead of the bundle's folder out/integration.
 */
const sourcePaths = {
  name: 'source-paths',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      const header = `const __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)};`;
      return { contents: `${header}\n${text}`, loader: 'ts' };
    });
  },
};

async function buildTests() {
  const tests = findTests(testsDir).sort();
  if (tests.length === 0) throw new Error(`no *.test.ts under ${path.relative(root, testsDir)}`);
  // index.ts comes first: it installs mocha's describe/it before the test files' top-level code runs
  const imports = tests.map((t) => `import './${path.relative(testsDir, t).split(path.sep).join('/')}';`);
  await esbuild.build({
    stdin: {
      contents: [`export { run } from './index';`, ...imports].join('\n'),
      resolveDir: testsDir,
      sourcefile: 'integration-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    outfile: bundle,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // resolved at run time from the repository's node_modules, as the extension host loads them
    external: ['vscode', 'mocha', 'sql.js'],
    plugins: [sourcePaths],
    logLevel: 'warning',
  });
  return tests.length;
}

/** Resolves to the desktop VS Code executable, or to `{ unavailable: reason }`. */
async function desktopVsCode() {
  const { downloadAndUnzipVSCode } = require('@vscode/test-electron');
  // one line per stage instead of test-electron's spinner, which leaves half a line in CI logs
  const reporter = {
    report(r) {
      if (r.stage === 'downloading' && r.bytesSoFar === 0) {
        console.log(`integration: downloading VS Code (${(r.totalBytes / 1e6).toFixed(0)} MB)`);
      } else if (r.stage === 'newInstallComplete' || r.stage === 'foundMatchingInstall') {
        console.log(`integration: VS Code in ${r.downloadedPath}`);
      }
    },
    error() {},
  };
  let executable;
  try {
    executable = await downloadAndUnzipVSCode({ version: 'stable', timeout: 15_000, reporter });
  } catch (err) {
    return { unavailable: `VS Code could not be downloaded (${err.code ?? err.message})` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    return { unavailable: 'no X display for desktop VS Code (run under xvfb-run to use it)' };
  }
  return { executable };
}

async function runInDesktopVsCode(executable, scratch) {
  const { runTests } = require('@vscode/test-electron');
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: bundle,
      extensionTestsEnv: testEnv,
      launchArgs: [path.join(scratch, 'workspace'), '--disable-extensions', '--disable-workspace-trust',
        '--user-data-dir', path.join(scratch, 'ud'), '--extensions-dir', path.join(scratch, 'ext')],
    });
  } catch (err) {
    // runTests rejects on a non-zero exit; the host already printed the failures
    return typeof err.code === 'number' ? err.code : 1;
  }
}

function ensureCodeServer() {
  const setup = spawnSync('bash', [path.join(__dirname, 'setup.sh'), hostDir], { stdio: 'inherit' });
  if (setup.status !== 0) throw new Error(`code-server host setup failed (test/host/setup.sh exited ${setup.status})`);
}

/** Runs run-tests.sh in its own process group and kills that group afterwards, stragglers included. */
function runInCodeServer(scratch) {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(__dirname, 'run-tests.sh'), root, bundle, path.join(scratch, 'workspace')], {
      stdio: 'inherit',
      detached: true,
      env: { ...process.env, ...testEnv, HOST_DIR: hostDir },
    });
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    // the child has its own group, so a Ctrl-C in the terminal reaches it only through here
    const onSignal = () => killGroup('SIGTERM');
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    child.on('exit', (code, signal) => {
      killGroup('SIGKILL');
      resolve(code ?? 128 + os.constants.signals[signal]);
    });
  });
}

const hostFailures = {
  2: 'the code-server host could not be driven (see the log above)',
  124: 'the code-server host timed out (TEST_TIMEOUT_S)',
};

async function main() {
  if (!fs.existsSync(path.join(root, 'dist/extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  if (forcedHost && forcedHost !== 'vscode' && forcedHost !== 'code-server') {
    throw new Error(`FOCUSFLOW_TEST_HOST must be vscode or code-server, not ${forcedHost}`);
  }
  const count = await buildTests();
  console.log(`integration: bundled index.ts and ${count} test file(s) into ${path.relative(root, bundle)}`);

  // the workspace folder is an empty temp folder, so the host indexes and watches nothing of the repository
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-it-'));
  fs.mkdirSync(path.join(scratch, 'workspace'));
  try {
    const desktop = forcedHost === 'code-server'
      ? { unavailable: 'FOCUSFLOW_TEST_HOST=code-server' }
      : await desktopVsCode();
    if (desktop.executable) {
      console.log(`integration: host = desktop VS Code (${desktop.executable})`);
      return await runInDesktopVsCode(desktop.executable, scratch);
    }
    if (forcedHost === 'vscode') throw new Error(`desktop VS Code was asked for but ${desktop.unavailable}`);

    console.log(`integration: host = code-server (real VS Code extension host, headless), because ${desktop.unavailable}`);
    ensureCodeServer();
    const started = Date.now();
    const code = await runInCodeServer(scratch);
    if (hostFailures[code]) throw new Error(hostFailures[code]);
    console.log(`integration: host exited ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration: NOT RUN: ${err.message}`);
    process.exit(1);
  },
);
