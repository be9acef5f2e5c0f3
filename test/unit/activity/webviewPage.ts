import * as assert from 'assert';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { activityHtml, createNonce } from '../../../src/ui/activity/html';
import type { HostMessage, WebviewState } from '../../../src/webview/protocol';

export const CHROMIUM = '/usr/bin/chromium';
const repo = path.resolve(__dirname, '../../..');
/** Where the render tests leave their screenshots. */
export const ARTIFACTS = path.join(repo, 'test-artifacts');

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (test/host/setup.sh installs Debian's chromium)`;
}

/** The webview bundle exactly as esbuild.js builds it, built here so the test never runs stale code. */
function bundleWebview(): string {
  const result = esbuild.buildSync({
    entryPoints: [path.join(repo, 'src/webview/main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0].text;
}

/**
 * Serves the page the provider generates, with the same CSP, from 127.0.0.1, standing in for VS Code's
 * webview resource origin. Every request it receives is recorded.
 */
export class WebviewServer {
  readonly requests: string[] = [];
  private server!: http.Server;
  origin = '';

  async start(): Promise<void> {
    const script = bundleWebview();
    const css = fs.readFileSync(path.join(repo, 'media/activity.css'), 'utf8');
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const send = (type: string, body: string) => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      if (req.url === '/') {
        send(
          'text/html; charset=utf-8',
          activityHtml({ cspSource: this.origin, nonce: createNonce(), scriptUri: `${this.origin}/dist/webview.js`, styleUri: `${this.origin}/media/activity.css` }),
        );
      } else if (req.url === '/dist/webview.js') send('text/javascript', script);
      else if (req.url === '/media/activity.css') send('text/css', css);
      // The browser's own tab icon lookup (not the page's; VS Code's webview frames make none).
      else if (req.url === '/favicon.ico') res.writeHead(204).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--headless', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'],
  });
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

/** The theme variables the view uses, with the values of VS Code's Light Modern, Dark Modern and Dark High Contrast. */
const themes: Record<ThemeKind, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      'sideBar-background': '#f8f8f8', foreground: '#3b3b3b', descriptionForeground: '#3b3b3b',
      'editorWidget-background': '#f8f8f8', 'widget-border': '#e5e5e5', 'charts-blue': '#1a85ff', 'charts-lines': '#61616180',
      'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8',
      'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
      'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', focusBorder: '#005fb8', 'toolbar-hoverBackground': '#b8b8b850',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      'sideBar-background': '#181818', foreground: '#cccccc', descriptionForeground: '#9d9d9d',
      'editorWidget-background': '#202020', 'widget-border': '#313131', 'charts-blue': '#3794ff', 'charts-lines': '#cccccc80',
      'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1',
      'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
      'badge-background': '#616161', 'badge-foreground': '#f8f8f8', focusBorder: '#0078d4', 'toolbar-hoverBackground': '#5a5d5e50',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      'sideBar-background': '#000000', foreground: '#ffffff', descriptionForeground: '#ffffff',
      'editorWidget-background': '#0c141f', 'widget-border': '#6fc3df', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'charts-blue': '#3794ff',
      'charts-lines': '#ffffff80', 'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df',
      'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff', 'badge-background': '#000000',
      'badge-foreground': '#ffffff', focusBorder: '#f38518', 'toolbar-hoverBackground': '#000000',
    },
  },
};

export interface PageSetup {
  theme: ThemeKind;
  /** The host's answer to `ready` and `setRange`, per range, as the provider would post it. */
  replies: Partial<Record<7 | 30, HostMessage>>;
  /** What getState() returns at start, as VS Code keeps it across a hidden/shown view. */
  state?: WebviewState;
}

/**
 * Before the page's own script: VS Code's theme (variables on <html>, a class on <body>, the font) and
 * a stand-in for `acquireVsCodeApi` that records posted messages and state, and answers like the host.
 * Init scripts run outside the page's CSP, as VS Code's own preload does.
 */
export async function preparePage(page: Page, setup: PageSetup): Promise<void> {
  // A string, not a function: the TypeScript loader would wrap a function's body in helpers the page lacks.
  const args = JSON.stringify({ theme: themes[setup.theme], replies: setup.replies, state: setup.state ?? null });
  await page.addInitScript(`(() => {
    const { theme, replies, state } = ${args};
    const sent = [];
    const violations = [];
    let saved = state ?? undefined;
    window.__sent = sent;
    window.__cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage(message) {
        sent.push(message);
        const reply = message.rangeDays ? replies[message.rangeDays] : undefined;
        if (reply) setTimeout(() => window.postMessage(reply, '*'), 0);
      },
      getState: () => saved,
      setState(s) { saved = s; window.__state = s; },
    });
    const applyTheme = () => {
      const root = document.documentElement;
      for (const [name, value] of Object.entries(theme.vars)) root.style.setProperty('--vscode-' + name, value);
      root.style.setProperty('--vscode-font-family', 'system-ui, "Ubuntu", "Droid Sans", sans-serif');
      root.style.setProperty('--vscode-font-size', '13px');
      root.style.setProperty('background', theme.vars['sideBar-background']);
    };
    if (document.documentElement) applyTheme();
    else new MutationObserver((_, observer) => {
      if (document.documentElement) { applyTheme(); observer.disconnect(); }
    }).observe(document, { childList: true });
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add(theme.bodyClass));
  })();`);
}

export interface PageWatch {
  consoleErrors: string[];
  dialogs: string[];
  requests: string[];
}

/** Collects what must stay empty: console errors, page errors, dialogs; and every request the page makes. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { consoleErrors: [], dialogs: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => watch.consoleErrors.push(String(e)));
  page.on('dialog', (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => watch.requests.push(r.url()));
  return watch;
}

/** A fresh page of the view, themed and watched, loaded from `server`. */
export async function openViewPage(browser: Browser, server: WebviewServer, setup: PageSetup, height = 900): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage({ viewport: { width: 380, height } });
  const watch = watchPage(page);
  await preparePage(page, setup);
  await page.goto(`${server.origin}/`);
  return { page, watch };
}

/**
 * Gives the calling suite the webview server and headless Chromium: started before its tests (the suite
 * is skipped, saying why, where Chromium is missing), closed after them. `prepare` runs first, once
 * Chromium is known to be there (the suite's fixture data).
 */
export function useChromiumRoom(prepare: () => Promise<void>, height?: number) {
  let browser: Browser | undefined;
  let server: WebviewServer | undefined;
  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    await prepare();
    server = new WebviewServer();
    await server.start();
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    open: (setup: PageSetup) => openViewPage(browser!, server!, setup, height),
    assertClosedRoom: (page: Page, watch: PageWatch) => assertClosedRoom(page, watch, server!),
  };
}

/** What every page must show at the end: no error, no dialog, no request beyond its own three files. */
export async function assertClosedRoom(page: Page, watch: PageWatch, server: WebviewServer): Promise<void> {
  assert.deepStrictEqual(watch.consoleErrors, []);
  assert.deepStrictEqual(watch.dialogs, []);
  assert.deepStrictEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  const own = new Set([`${server.origin}/`, `${server.origin}/dist/webview.js`, `${server.origin}/media/activity.css`]);
  assert.deepStrictEqual(watch.requests.filter((url) => !own.has(url)), [], 'requests beyond the page, its script and its stylesheet');
}

/** A computed colour as the theme variables write it. */
export function rgbToHex(rgb: string): string {
  const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
  return `#${[r, g, b].map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}
