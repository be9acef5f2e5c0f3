// The client in a browser that the server's CORS settings refuse: the browser withholds the reply and
// says only `TypeError: Failed to fetch`, as it does for an unreachable server. Here a page's fetch is
// reproduced over real HTTP to the local server (Origin sent, preflight for what needs one, the reply
// withheld without a matching allow-origin); the web worker host test (test/integration/webCors.test.ts)
// is the same case in a real browser.
import assert from 'node:assert/strict';
import { z } from 'zod';
import { NetworkError, TrailBaseClient, type ClientError } from '../../src/core/trailbase';
import { silentLogger } from '../../src/core/logger';
import { startTestServer, type TestServer } from '../server/harness';
import { MemoryTokenStore } from './clientFixtures';
import { PASSWORD, uniqueEmail } from './helpers';

const ALLOWED = 'https://vscode.dev';
const REFUSED = 'http://127.0.0.1:8080';

/** What a browser page at `origin` does with fetch, as far as CORS goes; `sent` lists each request. */
function pageFetch(origin: string, sent: string[]): typeof fetch {
  const withheld = (): never => {
    throw new TypeError('Failed to fetch');
  };
  return async (input, init = {}) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = init.method ?? 'GET';
    const mode = init.mode ?? 'cors';
    sent.push(`${mode} ${method} ${new URL(url).pathname}`);
    const headers = new Headers(init.headers);
    headers.set('origin', origin);
    if (mode === 'no-cors') return fetch(url, { ...init, headers }); // opaque in a browser: resolves whatever the status
    const custom = [...headersNames(headers)].filter((h) => !['accept', 'origin'].includes(h));
    if (method !== 'GET' || custom.length > 0) {
      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': custom.join(',') },
      }).catch(withheld);
      if (preflight.headers.get('access-control-allow-origin') !== origin) withheld();
    }
    const res = await fetch(url, { ...init, headers }).catch(withheld);
    if (res.headers.get('access-control-allow-origin') !== origin) {
      await res.body?.cancel();
      withheld();
    }
    return res;
  };
}

function headersNames(headers: Headers): string[] {
  const names: string[] = [];
  headers.forEach((_, name) => names.push(name));
  return names;
}

function client(url: string, sent: string[], pageOrigin: string | undefined, tokenStore = new MemoryTokenStore()): TrailBaseClient {
  return new TrailBaseClient({
    serverUrl: url,
    tokenStore,
    logger: silentLogger,
    fetch: pageFetch(pageOrigin ?? REFUSED, sent),
    ...(pageOrigin !== undefined ? { pageOrigin } : {}),
  });
}

describe('TrailBase client: a server that refuses the browser page origin (CORS)', function () {
  this.timeout(30_000);
  let server: TestServer;
  let email: string;

  before(async () => {
    server = await startTestServer({ args: ['--cors-allowed-origins', ALLOWED] });
    email = uniqueEmail('origin');
    await server.createVerifiedUser(email, PASSWORD);
  });
  after(async () => server?.stop());

  it('names the refused origin and the server flag to set, not "cannot reach", after its two probes', async () => {
    const sent: string[] = [];
    const err = await client(server.url, sent, REFUSED).login(email, PASSWORD).then(
      () => assert.fail('signed in from a refused origin'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'origin-refused');
    assert.match(err.message, new RegExp(`does not accept requests from ${REFUSED.replace(/[.:/]/g, '\\$&')}`));
    assert.match(err.message, /--cors-allowed-origins http:\/\/127\.0\.0\.1:8080/);
    assert.match(err.message, /then connect again/);
    assert.doesNotMatch(err.message, /Cannot reach/);
    assert.deepEqual(sent, ['cors POST /api/auth/v1/login', 'cors GET /api/healthcheck', 'no-cors GET /api/healthcheck']);
  });

  it('is not retried: a refused idempotent read is one attempt and its probes', async () => {
    const sent: string[] = [];
    const teams = client(server.url, sent, REFUSED).records('teams', z.unknown());
    await assert.rejects(teams.list(), (e: unknown) => e instanceof NetworkError && e.code === 'origin-refused');
    assert.deepEqual(sent, ['cors GET /api/records/v1/teams', 'cors GET /api/healthcheck', 'no-cors GET /api/healthcheck']);
  });

  it('signs in from an allowed origin through the same page fetch', async () => {
    const sent: string[] = [];
    const state = await client(server.url, sent, ALLOWED).login(email, PASSWORD);
    assert.equal(state.user.email, email);
    assert.deepEqual(sent, ['cors POST /api/auth/v1/login']);
  });

  it('says the same for a live stream opened from a refused origin', async () => {
    // signed in where the origin is allowed; the same tokens then serve a page the server refuses
    const tokens = new MemoryTokenStore();
    await client(server.url, [], ALLOWED, tokens).login(email, PASSWORD);
    const sent: string[] = [];
    const refused = client(server.url, sent, REFUSED, tokens);
    await refused.restore();
    const errors: ClientError[] = [];
    const stop = new AbortController();
    refused.records('shared_sessions', z.unknown()).subscribe('*', { onEvent: () => undefined, onResync: () => undefined, onError: (e) => errors.push(e) }, { signal: stop.signal });
    try {
      const deadline = Date.now() + 10_000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      stop.abort();
    }
    const [first] = errors;
    assert.ok(first instanceof NetworkError && first.code === 'origin-refused', String(first));
    assert.match(first.message, /--cors-allowed-origins http:\/\/127\.0\.0\.1:8080/);
    assert.deepEqual(sent.slice(0, 3), ['cors GET /api/records/v1/shared_sessions/subscribe/*', 'cors GET /api/healthcheck', 'no-cors GET /api/healthcheck']);
  });

  it('still says "cannot reach" for a dropped connection from an allowed origin: the server lets that origin read it', async () => {
    const sent: string[] = [];
    const allowed = client(server.url, sent, ALLOWED);
    await allowed.login(email, PASSWORD);
    await server.setFaults({ dropBeforeCommit: 1, paths: '^/api/records/' });
    try {
      const err = await allowed.records('teams', z.unknown()).create({ name: 'dropped' }).catch((e: unknown) => e);
      assert.ok(err instanceof NetworkError && err.code === 'unreachable', String(err));
      assert.match(err.message, /Cannot reach the TrailBase server/);
    } finally {
      await server.clearFaults();
    }
    assert.deepEqual(sent, ['cors POST /api/auth/v1/login', 'cors POST /api/records/v1/teams', 'cors GET /api/healthcheck']);
  });

  it('still says "cannot reach" when the probe finds no server either', async () => {
    const gone = await startTestServer();
    const url = gone.url;
    await gone.stop();
    const sent: string[] = [];
    const err = await client(url, sent, REFUSED).login(email, PASSWORD).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError && err.code === 'unreachable', String(err));
    assert.match(err.message, /Cannot reach the TrailBase server/);
    assert.deepEqual(sent, ['cors POST /api/auth/v1/login', 'cors GET /api/healthcheck', 'no-cors GET /api/healthcheck']);
  });

  it('probes nothing outside a browser (no page origin, as under Node): the failure stays "unreachable"', async () => {
    const sent: string[] = [];
    const err = await client(server.url, sent, undefined).login(email, PASSWORD).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError && err.code === 'unreachable', String(err));
    assert.deepEqual(sent, ['cors POST /api/auth/v1/login']);
  });

  it('probes nothing for a server on the page\'s own origin, where CORS plays no part', async () => {
    const sent: string[] = [];
    const sameOrigin = new URL(server.url).origin;
    const c = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger, pageOrigin: sameOrigin, fetch: pageFetch(REFUSED, sent) });
    const err = await c.login(email, PASSWORD).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError && err.code === 'unreachable', String(err));
    assert.deepEqual(sent, ['cors POST /api/auth/v1/login']);
  });
});
