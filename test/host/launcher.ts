// The integration tests' way to local servers from inside any extension host. A web worker host cannot
// spawn processes or read the disk, so run-integration.js starts this small service on loopback and the
// tests (test/integration/servers.ts) ask it over HTTP to start, drive and stop local server processes
// through the same harness the Node-side tests use. It answers CORS for any origin, as the page's
// origin differs from its own. Prints `launcher on http://127.0.0.1:PORT`; exits when stdin closes.
// Routes (JSON bodies and replies):
//   POST /servers                 StartOptions      -> { id, url, dataDir }
//   POST /servers/:id/:method     [args...]         -> { result }   (a TestServer method; `url` after restart)
//   POST /screenshot              { name, waitFor } -> { missing }  (the driver's screenshot handshake)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { startTestServer, type StartOptions, type TestServer } from '../server/harness';

const servers = new Map<string, TestServer>();
let nextId = 1;

const METHODS = ['stop', 'restart', 'setFaults', 'clearFaults', 'stats', 'resetStats', 'createVerifiedUser'] as const;
type Method = (typeof METHODS)[number];

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function screenshot(name: string, waitFor: string | undefined): Promise<{ missing: string }> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return { missing: 'no SCREENSHOT_DIR' };
  writeFileSync(join(dir, `${name}.request`), JSON.stringify(waitFor ? { waitFor } : {}));
  const done = join(dir, `${name}.done`);
  const deadline = Date.now() + 30_000;
  while (!existsSync(done)) {
    if (Date.now() > deadline) return { missing: 'the driver took no screenshot within 30 s' };
    await new Promise((r) => setTimeout(r, 100));
  }
  const missing = readFileSync(done, 'utf8');
  rmSync(done);
  return { missing };
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method === 'POST' && path === '/servers') {
    const server = await startTestServer(((await readJson(req)) ?? {}) as StartOptions);
    const id = String(nextId++);
    servers.set(id, server);
    reply(res, 200, { id, url: server.url, dataDir: server.dataDir });
    return;
  }
  if (req.method === 'POST' && path === '/screenshot') {
    const { name, waitFor } = (await readJson(req)) as { name: string; waitFor?: string };
    reply(res, 200, await screenshot(name, waitFor));
    return;
  }
  const m = /^\/servers\/(\d+)\/(\w+)$/.exec(path);
  const server = m ? servers.get(m[1]) : undefined;
  if (req.method !== 'POST' || !m || !server || !METHODS.includes(m[2] as Method)) {
    reply(res, 404, { error: `no route ${req.method} ${path}` });
    return;
  }
  const method = m[2] as Method;
  const args = ((await readJson(req)) ?? []) as unknown[];
  const result: unknown = await (server[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  if (method === 'stop') servers.delete(m[1]);
  reply(res, 200, { result: result ?? null, url: server.url });
}

const http = createServer((req, res) => {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('vary', 'origin');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' });
    res.end();
    return;
  }
  route(req, res).catch((err: unknown) => reply(res, 500, { error: err instanceof Error ? err.message : String(err) }));
});

async function stopAll(): Promise<void> {
  await Promise.allSettled([...servers.values()].map((s) => s.stop()));
  servers.clear();
  http.close();
  process.exit(0);
}

process.stdin.on('end', () => void stopAll());
process.stdin.on('error', () => void stopAll());
process.stdin.resume();
process.on('SIGTERM', () => void stopAll());
process.on('SIGINT', () => void stopAll());

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object') console.log(`launcher on http://127.0.0.1:${address.port}`);
});
