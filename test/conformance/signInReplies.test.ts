// Sign-in replies are proven whole before anything is stored: a reply the client cannot take in full
// (here, a token whose user id is not in TrailBase's id form) is a typed error naming the server and
// the field, and the connection row, the stored tokens and the connection state stay as they were.
import assert from 'node:assert/strict';
import { uuidToBase64, uuidv7, toLocalId } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import { systemClock } from '../../src/core/clock';
import { Store } from '../../src/core/store';
import { ConnectionService } from '../../src/core/team/connection';
import { ServerError, TrailBaseClient } from '../../src/core/trailbase';
import { tempDbFile } from '../support/bundleScript';
import { fakeJwt, HostileServer } from '../support/hostileServer';
import { MemoryTokenStore } from '../support/memoryTokenStore';
import { openStoreOnDisk } from '../../src/node/store/openStore';

describe('sign-in replies are proven whole before anything is stored', function () {
  let server: HostileServer;
  let store: Store;
  before(async () => (server = await HostileServer.start()));
  after(async () => server?.stop());
  beforeEach(async () => (store = (await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger })).store));
  afterEach(async () => store?.close());

  function service(tokens: MemoryTokenStore): ConnectionService {
    const s = new ConnectionService({
      store,
      logger: silentLogger,
      clock: systemClock,
      createClient: (serverUrl) => new TrailBaseClient({ serverUrl, tokenStore: tokens, logger: silentLogger, retry: { retries: 0 } }),
    });
    // What the team view does on every change: it reads the signed-in user's local id.
    s.onDidChange((state) => void (state.status === 'connected' && toLocalId(state.connection.userId)));
    return s;
  }

  function answerLogin(sub: unknown): void {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    server.respond(() => ({ status: 200, body: JSON.stringify({ auth_token: fakeJwt({ sub, exp, email: 'ana@example.com' }), refresh_token: 'refresh-1', csrf_token: 'csrf-1' }) }));
  }

  const row = () => store.read((db) => db.all('SELECT * FROM team_connection'));

  for (const [what, sub] of [
    ['a plain word', 'not-an-id'],
    ['base64 without padding', 'AZPxonxNfo-aC6u8zN3u_w'],
    ['a number', 42],
  ] as const) {
    it(`refuses a token whose user id is ${what}: typed error naming the host and the field, nothing stored`, async () => {
      const tokens = new MemoryTokenStore();
      const connections = service(tokens);
      answerLogin(sub);
      const err = await connections.connect(server.url, 'ana@example.com', 'correct horse battery').catch((e: unknown) => e);
      assert.ok(err instanceof ServerError, `expected a ServerError, got ${String(err)}`);
      assert.equal(err.code, 'bad-reply');
      assert.equal(err.field, 'auth_token.sub');
      assert.ok(err.message.includes(server.host), err.message);
      assert.match(err.message, /auth_token\.sub/);
      assert.deepEqual(row(), [], 'no connection row was written');
      assert.equal(tokens.tokens, undefined, 'no tokens were stored');
      assert.equal(connections.state.status, 'disconnected');
      assert.equal(connections.client, undefined);

      // The next good reply works as if nothing had happened.
      const good = uuidToBase64(uuidv7());
      answerLogin(good);
      const connection = await connections.connect(server.url, 'ana@example.com', 'correct horse battery');
      assert.equal(connection.userId, good);
      assert.equal(row().length, 1);
    });
  }

  it('a refused sign-in to another account leaves the existing connection exactly as it was', async () => {
    const tokens = new MemoryTokenStore();
    const connections = service(tokens);
    const first = uuidToBase64(uuidv7());
    answerLogin(first);
    await connections.connect(server.url, 'ana@example.com', 'correct horse battery');
    const before = { row: row(), tokens: tokens.tokens, state: connections.state };
    answerLogin('../../etc/passwd');
    await assert.rejects(connections.connect(server.url, 'ana@example.com', 'correct horse battery'), ServerError);
    assert.deepEqual(row(), before.row);
    assert.deepEqual(tokens.tokens, before.tokens);
    assert.equal(connections.state, before.state);
  });

  it('a connection row that cannot be written leaves no stored sign-in behind and the state as it was', async () => {
    const tokens = new MemoryTokenStore();
    const connections = service(tokens);
    answerLogin(uuidToBase64(uuidv7()));
    const write = store.write.bind(store);
    (store as { write: Store['write'] }).write = () => Promise.reject(new Error('the disk is full'));
    try {
      await assert.rejects(connections.connect(server.url, 'ana@example.com', 'correct horse battery'), /the disk is full/);
    } finally {
      (store as { write: Store['write'] }).write = write;
    }
    assert.equal(tokens.tokens, undefined, 'the new session was signed out again');
    assert.ok(server.seen.some((r) => r.path === '/api/auth/v1/logout'), 'and ended on the server');
    assert.deepEqual(row(), []);
    assert.equal(connections.state.status, 'disconnected');
  });
});
