// `npm run test:integration`: runs test/integration inside real VS Code extension hosts, the same tests
// in each: the Node extension host (desktop VS Code downloaded by @vscode/test-electron where it can be,
// else code-server's) and the browser's web worker extension host (code-server, the extension moved
// there by the user setting remote.extensionKind). Exit status: non-zero when either host fails or
// could not run the tests (never a silent skip).
// FOCUSFLOW_TEST_HOSTS=node|web narrows the hosts; FOCUSFLOW_TEST_HOST=code-server|vscode picks the Node
// host's runner and turns the fallback off.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { claimScratch } = require('../support/scratch');
const { bundleTests } = require('./bundleTests');
const { startLauncher } = require('./launcherProcess');

// before anything makes a temp file: the host, Chromium and the tests all write inside this run's folder
claimScratch();
const root = path.resolve(__dirname, '../..');
const hostDir = path.join(root, '.vscode-test-host');
const forcedHost = process.env.FOCUSFLOW_TEST_HOST;
const EXTENSION_ID = 'focusflow.focusflow';
/** Read by the tests through vscode.workspace.fs (test/integration/testConfig.ts), written back with the counts. */
const CONFIG_FILE = '.focusflow-test.json';
const RESULT_FILE = '.focusflow-test-result.json';
const HOSTS = { node: 'Node extension host', web: 'web worker extension host' };
// npm run screenshots: the driver and the launcher (which relays the tests' requests) share this folder
if (process.env.SCREENSHOT_DIR) process.env.SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR);

function wantedHosts() {
  const raw = process.env.FOCUSFLOW_TEST_HOSTS ?? 'node,web';
  const hosts = raw.split(/[,|\s]+/).filter(Boolean);
  const unknown = hosts.filter((h) => !(h in HOSTS));
  if (hosts.length === 0 || unknown.length > 0) throw new Error(`FOCUSFLOW_TEST_HOSTS must name node and/or web, not ${raw}`);
  return Object.keys(HOSTS).filter((h) => hosts.includes(h));
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

async function runInDesktopVsCode(executable, bundle, workspace, scratch) {
  const { runTests } = require('@vscode/test-electron');
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: bundle,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust',
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
function runInCodeServer(bundle, workspace, env) {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(__dirname, 'run-tests.sh'), root, bundle, workspace], {
      stdio: 'inherit',
      detached: true,
      env: { ...process.env, ...env, HOST_DIR: hostDir },
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
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      killGroup('SIGKILL');
      resolve(code ?? 128 + os.constants.signals[signal]);
    });
  });
}

const hostFailures = {
  2: 'the code-server host could not be driven (see the log above)',
  124: 'the code-server host timed out (TEST_TIMEOUT_S)',
};

/** Runs the suite in one host; resolves to its closing line and whether it passed. */
async function runHost(host, launcherUrl, scratch) {
  const { bundle, count } = await bundleTests(host);
  console.log(`integration: ${HOSTS[host]}: bundled index.ts and ${count} test file(s) into ${path.relative(root, bundle)}`);
  // the workspace folder is an empty temp folder, so the host indexes and watches nothing of the repository
  const workspace = path.join(scratch, host, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const config = {
    launcherUrl,
    expectedHost: host,
    ...(process.env.FOCUSFLOW_TEST_GREP ? { grep: process.env.FOCUSFLOW_TEST_GREP } : {}),
    ...(process.env.SCREENSHOT_DIR ? { screenshots: true } : {}),
  };
  fs.writeFileSync(path.join(workspace, CONFIG_FILE), JSON.stringify(config, null, 2));

  const started = Date.now();
  let code;
  if (host === 'node') {
    const desktop = forcedHost === 'code-server' ? { unavailable: 'FOCUSFLOW_TEST_HOST=code-server' } : await desktopVsCode();
    if (desktop.executable) {
      console.log(`integration: Node host = desktop VS Code (${desktop.executable})`);
      code = await runInDesktopVsCode(desktop.executable, bundle, workspace, path.join(scratch, host));
    } else {
      if (forcedHost === 'vscode') throw new Error(`desktop VS Code was asked for but ${desktop.unavailable}`);
      console.log(`integration: Node host = code-server (real VS Code extension host, headless), because ${desktop.unavailable}`);
      ensureCodeServer();
      code = await runInCodeServer(bundle, workspace, {});
    }
  } else {
    console.log('integration: web worker host = code-server in headless Chromium, with remote.extensionKind set to web');
    ensureCodeServer();
    code = await runInCodeServer(bundle, workspace, { USER_SETTINGS_JSON: JSON.stringify({ 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } }) });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (hostFailures[code]) return { ok: false, line: `${HOSTS[host]}: NOT RUN: ${hostFailures[code]}` };
  const result = readResult(path.join(workspace, RESULT_FILE));
  const counts = result ? `${result.passes} passed, ${result.failures} failed, ${result.pending} skipped` : 'no counts (the tests did not finish)';
  return { ok: code === 0 && !!result, line: `${HOSTS[host]}: ${counts}; exit ${code} after ${seconds} s` };
}

function readResult(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist/extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  if (forcedHost && forcedHost !== 'vscode' && forcedHost !== 'code-server') {
    throw new Error(`FOCUSFLOW_TEST_HOST must be vscode or code-server, not ${forcedHost}`);
  }
  const hosts = wantedHosts();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-it-'));
  const launcher = await startLauncher(process.env);
  const closing = [];
  try {
    for (const host of hosts) {
      try {
        closing.push(await runHost(host, launcher.url, scratch));
      } catch (err) {
        closing.push({ ok: false, line: `${HOSTS[host]}: NOT RUN: ${err.message}` });
      }
    }
  } finally {
    await launcher.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  for (const { line } of closing) console.log(`integration: ${line}`);
  return closing.every((c) => c.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration: NOT RUN: ${err.message}`);
    process.exit(1);
  },
);
