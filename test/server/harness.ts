// Starts the TrailBase-compatible server as its own process for tests and benchmarks, on 127.0.0.1
// and port 0, and drives its /__test__ control routes. The child exits when its stdin closes, so a
// crashed test run leaves no server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Faults } from './faults';

export type { Faults } from './faults';

export interface TestServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Same data dir and port; cursors die as on TrailBase. */
  restart(): Promise<void>;
  setFaults(f: Faults): Promise<void>;
  clearFaults(): Promise<void>;
  /** Count per "METHOD /path-pattern", record ids folded to `:id`: "PATCH /api/records/v1/teams/:id". */
  stats(): Promise<{ requests: Record<string, number> }>;
  resetStats(): Promise<void>;
  /** id: url-safe base64 as in the JWT `sub`. With `totpSecret` (base32) the account needs a second factor. */
  createVerifiedUser(email: string, password: string, o?: { totpSecret?: string }): Promise<{ id: string }>;
}

export interface StartOptions {
  authTokenTtlSec?: number;
  refreshTokenTtlSec?: number;
  /** Lifetime of a pending two-factor sign-in (TrailBase: 120); TrailBase's 60 s of JWT leeway come on top. */
  mfaTokenTtlSec?: number;
  /** Default true: registered users are verified at once (the link is still logged). */
  autoVerify?: boolean;
  /** Extra flags, e.g. ['--demo'] or fault flags; `--data DIR` keeps that directory after stop(). */
  args?: string[];
}

const MAIN = join(__dirname, 'main.ts');
const TSX_LOADER = require.resolve('tsx');

function spawnServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    // Always a plain Node that matches the native modules (better-sqlite3) built by npm ci: integration
    // tests reach this harness through test/host/launcher.ts, never from inside an extension host.
    const node = process.execPath;
    // --expose-gc: the memory control route collects first, so benchmarks read retained memory.
    const child = spawn(node, ['--expose-gc', '--import', TSX_LOADER, MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const fail = (why: string): void => reject(new Error(`test server did not start (${why}): ${err.trim()}`));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail('timeout');
    }, 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
      if (process.env.TEST_SERVER_LOG) process.stderr.write(d);
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with ${code}`);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startTestServer(o: StartOptions = {}): Promise<TestServer> {
  const extra = [...(o.args ?? [])];
  const dataAt = extra.indexOf('--data');
  const ownsDataDir = dataAt < 0;
  const dataDir = ownsDataDir ? mkdtempSync(join(tmpdir(), 'focusflow-tb-')) : extra.splice(dataAt, 2)[1];
  const base = ['--data', dataDir, '--test-control', '--exit-with-stdin', ...extra];
  if (o.autoVerify ?? true) base.push('--auto-verify');
  if (o.authTokenTtlSec !== undefined) base.push('--auth-token-ttl', String(o.authTokenTtlSec));
  if (o.refreshTokenTtlSec !== undefined) base.push('--refresh-token-ttl', String(o.refreshTokenTtlSec));
  if (o.mfaTokenTtlSec !== undefined) base.push('--mfa-token-ttl', String(o.mfaTokenTtlSec));

  let started: { child: ChildProcess; url: string };
  try {
    started = await spawnServer([...base, '--port', '0']);
  } catch (err) {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let { child, url } = started;
  const port = new URL(url).port;

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/__test__/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  return {
    get url() {
      return url;
    },
    dataDir,
    async stop() {
      await stopChild(child);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild(child);
      ({ child, url } = await spawnServer([...base, '--port', port]));
    },
    async setFaults(f) {
      await control('PUT', 'faults', f);
    },
    async clearFaults() {
      await control('DELETE', 'faults');
    },
    async stats() {
      return (await control('GET', 'stats')) as { requests: Record<string, number> };
    },
    async resetStats() {
      await control('POST', 'stats/reset');
    },
    async createVerifiedUser(email, password, o) {
      return (await control('POST', 'users', { email, password, ...(o?.totpSecret ? { totp_secret: o.totpSecret } : {}) })) as { id: string };
    },
  };
}
