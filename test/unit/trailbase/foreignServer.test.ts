// The client against servers that do not behave like the local TrailBase-compatible one: a real
// HTTP server on 127.0.0.1 that answers each request with a scripted reply, to reach replies the
// compatible server never sends (a second factor, a foreign web server, events split mid-byte).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { silentLogger } from '../../../src/core/logger';
import { AuthError, ServerError, TrailBaseClient, ValidationError, type ClientError, type Tokens } from '../../../src/core/trailbase';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let handler: Handler;
let url: string;

function client(): TrailBaseClient {
  let saved: Tokens | undefined;
  return new TrailBaseClient({
    serverUrl: url,
    tokenStore: { load: async () => saved, save: async (t) => void (saved = t) },
    logger: silentLogger,
    retry: { retries: 0 },
  });
}

function jwt(exp: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'EdDSA' })}.${part({ sub: 'AZMrGrXwfD6_EP_______w==', exp, iat: exp - 3600 })}.c2ln`;
}

describe('TrailBase client against foreign or unusual servers (scripted, loopback)', () => {
  before(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a login answered 403 {mfa_token} is a typed "second factor required" error', async () => {
    handler = (_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"mfa_token":"abc"}');
    const err = await client().login('a@example.com', 'password-1').catch((e: unknown) => e);
    assert.ok(err instanceof AuthError && err.code === 'mfa-required', String(err));
    assert.match(err.message, /needs the 6-digit code from your authenticator app/);
  });

  it('a web server that is not TrailBase (405) says so', async () => {
    handler = (_req, res) => res.writeHead(405).end();
    const err = await client().login('a@example.com', 'password-1').catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError && err.code === 'not-trailbase', String(err));
    assert.match(err.message, /is not a TrailBase server/);
  });

  it('a login reply of the wrong JSON shape, or cut off, is a typed error naming the expected reply', async () => {
    for (const body of ['{"token":"x"}', '{"auth_token":"eyJ']) {
      handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      const err = await client().login('a@example.com', 'password-1').catch((e: unknown) => e);
      assert.ok(err instanceof ServerError && err.code === 'bad-reply' && err.expected === 'JSON {auth_token, refresh_token}', String(err));
    }
  });

  it('reads events written 3 bytes at a time, reports a loss, and stops on a forbidden event', async () => {
    const row = (n: number) => JSON.stringify({ Insert: { id: `r${n}`, label: `naïve ✓ ${n}` }, seq: n });
    const stream = Buffer.from(
      `: ping\n\ndata: ${row(1)}\n\ndata: ${row(2)}\r\n\r\ndata: {"Error":{"status":2,"message":"loss"},"seq":3}\n\n` +
        `data: ${row(4)}\n\ndata: {"Error":{"status":1,"message":"forbidden"}}\n\n`,
    );
    handler = (req, res) => {
      if (req.url?.startsWith('/api/auth/v1/login')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth_token: jwt(Math.floor(Date.now() / 1000) + 3600), refresh_token: 'r'.repeat(86) }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        if (i >= stream.length) return; // the server keeps the stream open; the client must close it
        res.write(stream.subarray(i, i + 3));
        i += 3;
        setImmediate(next);
      };
      next();
    };
    const c = client();
    await c.login('a@example.com', 'password-1');
    const events: string[] = [];
    const resyncs: string[] = [];
    const errors: ClientError[] = [];
    const sub = c.records('things', z.object({ id: z.string(), label: z.string() })).subscribe('*', {
      onEvent: (e) => events.push(`${e.type} ${e.record.id} ${e.record.label}`),
      onResync: (r) => resyncs.push(r),
      onError: (e) => errors.push(e),
    });
    await sub.closed;
    assert.deepEqual(events, ['insert r1 naïve ✓ 1', 'insert r2 naïve ✓ 2', 'insert r4 naïve ✓ 4']);
    assert.deepEqual(resyncs, ['loss']);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof AuthError && errors[0].code === 'forbidden' && errors[0].reason === 'forbidden');
  });

  it('a subscription answered with an HTML page reports a typed error naming text/event-stream and keeps retrying', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    const errors: ClientError[] = [];
    const sub = client().records('things', z.object({ id: z.string() })).subscribe('*', { onEvent: () => undefined, onResync: () => undefined, onError: (e) => errors.push(e) }, { backoff: { baseMs: 1, capMs: 5 } });
    // A bad reply is not permanent (a proxy may recover): it keeps retrying until disposed.
    while (errors.length < 2) await new Promise((r) => setTimeout(r, 10));
    sub.dispose();
    await sub.closed;
    assert.ok(errors.every((e) => e instanceof ServerError && e.code === 'bad-reply' && e.expected === 'text/event-stream'));
  });

  it('treats a stream that falls silent as dead: reconnects and asks the caller to list again', async () => {
    let connections = 0;
    handler = (_req, res) => {
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': ping\n\n'); // then silence
    };
    const resyncs: string[] = [];
    const sub = client().records('things', z.object({ id: z.string() })).subscribe('*', { onEvent: () => undefined, onResync: (r) => resyncs.push(r) }, { idleTimeoutMs: 100, backoff: { baseMs: 1, capMs: 5 } });
    while (resyncs.length < 2) await new Promise((r) => setTimeout(r, 10));
    sub.dispose();
    await sub.closed;
    assert.ok(connections >= 3);
    assert.deepEqual(resyncs.slice(0, 2), ['reconnected', 'reconnected']);
  });

  it('a caller abort ends a request at once, without retries, with the abort reason', async () => {
    let requests = 0;
    handler = (_req, res) => {
      requests++;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"records":[]}'), 2_000);
    };
    const c = new TrailBaseClient({ serverUrl: url, tokenStore: { load: async () => undefined, save: async () => undefined }, logger: silentLogger });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    const started = Date.now();
    await assert.rejects(c.records('things', z.object({ id: z.string() })).list({ signal: controller.signal }), /user cancelled/);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(requests, 1);
  });
});
