// CORS as a browser meets it (vscode.dev, github.dev, a web worker extension host): the local server
// answers as TrailBase v0.33's CorsLayer does, by default and with `--cors-allowed-origins`.
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../server/harness';
import { PASSWORD, uniqueEmail } from './helpers';

const PAGE = 'http://127.0.0.1:8080';

/** The OPTIONS request a browser sends before a JSON POST with a bearer token. */
function preflight(server: TestServer, origin: string, path = '/api/records/v1/teams'): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
}

function corsHeaders(res: Response): Record<string, string> {
  const found: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name.startsWith('access-control-') || name === 'vary') found[name] = value;
  });
  return found;
}

describe('CORS (local server as TrailBase v0.33)', function () {
  this.timeout(30_000);

  describe('default: any origin, mirrored', () => {
    let server: TestServer;
    before(async () => (server = await startTestServer()));
    after(async () => server?.stop());

    it('answers a preflight itself: 200, empty, the origin mirrored, any method and header, no credentials or max-age', async () => {
      const res = await preflight(server, PAGE);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '');
      assert.deepEqual(corsHeaders(res), {
        'access-control-allow-origin': PAGE,
        'access-control-allow-methods': '*',
        'access-control-allow-headers': '*',
        vary: 'origin',
      });
    });

    it('answers OPTIONS on any path, and a preflight never reaches a route, a fault or the statistics', async () => {
      await server.resetStats();
      await server.setFaults({ errorRate: 1, errorStatus: 503 });
      try {
        const res = await preflight(server, 'https://vscode.dev', '/api/auth/v1/login');
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('access-control-allow-origin'), 'https://vscode.dev');
      } finally {
        await server.clearFaults();
      }
      assert.deepEqual((await server.stats()).requests, {});
    });

    it('mirrors the origin on replies of every kind: success, refusal, error and an event stream', async () => {
      const email = uniqueEmail('cors');
      await server.createVerifiedUser(email, PASSWORD);
      const login = await fetch(`${server.url}/api/auth/v1/login`, {
        method: 'POST',
        headers: { origin: PAGE, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      assert.equal(login.status, 200);
      assert.equal(login.headers.get('access-control-allow-origin'), PAGE);
      assert.equal(login.headers.get('vary'), 'origin');
      const { auth_token: token } = (await login.json()) as { auth_token: string };

      const refused = await fetch(`${server.url}/api/auth/v1/login`, {
        method: 'POST',
        headers: { origin: PAGE, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'wrong password' }),
      });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), PAGE, 'a browser can read why it was refused');

      const missing = await fetch(`${server.url}/api/records/v1/no_such_api`, { headers: { origin: PAGE } });
      assert.equal(missing.headers.get('access-control-allow-origin'), PAGE);

      const stream = await fetch(`${server.url}/api/records/v1/shared_sessions/subscribe/*`, { headers: { origin: PAGE, authorization: `Bearer ${token}` } });
      assert.equal(stream.status, 200);
      assert.equal(stream.headers.get('content-type'), 'text/event-stream');
      assert.equal(stream.headers.get('access-control-allow-origin'), PAGE);
      await stream.body?.cancel();
    });

    it('sends no allow-origin to a request without an Origin (a desktop client), but still Vary: origin', async () => {
      const res = await fetch(`${server.url}/api/auth/v1/status`);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.equal(res.headers.get('vary'), 'origin');
    });
  });

  describe('--cors-allowed-origins, repeated', () => {
    const allowed = ['https://vscode.dev', 'https://github.dev'];
    let server: TestServer;
    before(async () => (server = await startTestServer({ args: allowed.flatMap((o) => ['--cors-allowed-origins', o]) })));
    after(async () => server?.stop());

    it('mirrors each listed origin on preflights and replies', async () => {
      for (const origin of allowed) {
        assert.equal((await preflight(server, origin)).headers.get('access-control-allow-origin'), origin);
        const res = await fetch(`${server.url}/api/auth/v1/status`, { headers: { origin } });
        assert.equal(res.headers.get('access-control-allow-origin'), origin);
      }
    });

    it('refuses another origin by leaving out allow-origin only: the preflight is still 200, the request still served', async () => {
      const res = await preflight(server, PAGE);
      assert.equal(res.status, 200);
      assert.deepEqual(corsHeaders(res), { 'access-control-allow-methods': '*', 'access-control-allow-headers': '*', vary: 'origin' });

      const email = uniqueEmail('cors-refused');
      await server.createVerifiedUser(email, PASSWORD);
      await server.resetStats();
      const login = await fetch(`${server.url}/api/auth/v1/login`, {
        method: 'POST',
        headers: { origin: PAGE, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      assert.equal(login.status, 200, 'the server did the work; only the browser withholds the reply');
      assert.equal(login.headers.get('access-control-allow-origin'), null);
      assert.deepEqual((await server.stats()).requests, { 'POST /api/auth/v1/login': 1 });
    });

    it('compares origins exactly: another scheme, case or a trailing slash is another origin', async () => {
      for (const origin of ['http://vscode.dev', 'https://VSCODE.dev', 'https://vscode.dev/']) {
        const res = await preflight(server, origin);
        assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      }
    });
  });
});
