import * as assert from 'assert';
import * as fs from 'fs';
import { systemClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { Store } from '../../src/core/store';
import { ConnectionService } from '../../src/core/team/connection';
import { TrailBaseClient } from '../../src/core/trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { tempDbFile } from '../support/bundleScript';
import { PASSWORD, uniqueEmail } from './helpers';
import { MemoryTokenStore } from '../support/memoryTokenStore';
import { openStoreOnDisk } from '../../src/node/store/openStore';

function service(store: Store, tokens: MemoryTokenStore): ConnectionService {
  return new ConnectionService({
    store,
    logger: silentLogger,
    clock: systemClock,
    createClient: (serverUrl) => new TrailBaseClient({ serverUrl, tokenStore: tokens, logger: silentLogger, retry: { retries: 0 } }),
  });
}

describe('team connection (against the local TrailBase-compatible server)', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(async () => server?.stop());

  it('connects, keeps secrets out of the database file, and is still connected after a restart while offline', async () => {
    const email = uniqueEmail('connect');
    const { id } = await server.createVerifiedUser(email, PASSWORD);
    const file = tempDbFile();
    const tokens = new MemoryTokenStore();
    const first = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    const connection = await service(first, tokens).connect(server.url, email, PASSWORD);
    assert.strictEqual(connection.userId, id);
    assert.strictEqual(connection.email, email);
    await first.close();

    assert.ok(tokens.tokens, 'tokens went to the token store');
    const bytes = fs.readFileSync(file).toString('latin1');
    for (const secret of [tokens.tokens.authToken, tokens.tokens.refreshToken]) assert.ok(!bytes.includes(secret), 'a token is in the database file');
    assert.ok(bytes.includes(new URL(server.url).host), 'the server URL is kept');

    await server.stop();
    try {
      const second = (await openStoreOnDisk({ file, logger: silentLogger })).store;
      const restored = await service(second, tokens).restore();
      assert.strictEqual(restored.status, 'connected');
      assert.strictEqual(restored.status === 'connected' && restored.connection.userId, id);
      await second.close();
    } finally {
      await server.restart();
    }
  });

  it('says it is restoring while the stored sign-in is read, and signed out with the next step when it cannot be read', async () => {
    const email = uniqueEmail('restoring');
    await server.createVerifiedUser(email, PASSWORD);
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    try {
      const tokens = new MemoryTokenStore();
      await service(store, tokens).connect(server.url, email, PASSWORD);
      const seen: string[] = [];
      const again = service(store, tokens);
      again.onDidChange((s) => seen.push(s.status));
      assert.strictEqual((await again.restore()).status, 'connected');
      assert.deepStrictEqual(seen, ['restoring', 'connected']);

      const unreadable = Object.assign(new MemoryTokenStore(), {
        load: () => Promise.reject(new Error('the keychain is locked')),
      });
      const failed = await service(store, unreadable).restore();
      assert.strictEqual(failed.status, 'signed-out');
      assert.match(failed.status === 'signed-out' ? failed.reason : '', /could not read your stored sign-in .*the keychain is locked.*Connect to Team Server/);
    } finally {
      await store.close();
    }
  });

  it('disconnecting while the stored sign-in is still being read forgets it and ends its server session', async () => {
    const email = uniqueEmail('restoring-disconnect');
    await server.createVerifiedUser(email, PASSWORD);
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    try {
      const tokens = new MemoryTokenStore();
      await service(store, tokens).connect(server.url, email, PASSWORD);
      const refreshToken = tokens.tokens!.refreshToken;
      // A slow keychain: the restore is under way when the user runs Disconnect.
      const slow = Object.assign(new MemoryTokenStore(), {
        load: async () => (await new Promise((r) => setTimeout(r, 300)), tokens.tokens),
        save: async (t: typeof tokens.tokens) => void (tokens.tokens = t),
      });
      const again = service(store, slow);
      const restoring = again.restore();
      assert.strictEqual(again.state.status, 'restoring');
      assert.deepStrictEqual(await again.disconnect(), { serverSessionEnded: true });
      await restoring;
      assert.strictEqual(again.state.status, 'disconnected');
      assert.strictEqual(tokens.tokens, undefined, 'the stored tokens are gone');
      const refresh = await fetch(`${server.url}/api/auth/v1/refresh`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshToken }),
      });
      assert.strictEqual(refresh.status, 401, 'the server session ended');
    } finally {
      await store.close();
    }
  });

  it('refuses a wrong password with a message that says what to check, and stores nothing', async () => {
    const email = uniqueEmail('wrong');
    await server.createVerifiedUser(email, PASSWORD);
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    const tokens = new MemoryTokenStore();
    await assert.rejects(service(store, tokens).connect(server.url, email, 'not-the-password'), (err: Error & { kind?: string }) => {
      assert.strictEqual(err.kind, 'auth');
      assert.match(err.message, /password is wrong/);
      return true;
    });
    assert.strictEqual(tokens.tokens, undefined);
    assert.strictEqual(store.read((db) => db.get('SELECT * FROM team_connection')), undefined);
    await store.close();
  });

  it('refuses plain http to a remote host before sending anything', async () => {
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    await assert.rejects(service(store, new MemoryTokenStore()).connect('http://focus.example.com', 'a@example.com', PASSWORD), (err: Error & { kind?: string }) => {
      assert.strictEqual(err.kind, 'validation');
      assert.match(err.message, /https/);
      return true;
    });
    await store.close();
  });

  it('a disconnect whose row cannot be removed still ends the session and says to sign in again', async () => {
    const email = uniqueEmail('disconnect-unsaved');
    await server.createVerifiedUser(email, PASSWORD);
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    const connections = service(store, new MemoryTokenStore());
    await connections.connect(server.url, email, PASSWORD);
    // a database that refuses writes (here: closed) keeps the row
    await store.close();
    await assert.rejects(connections.disconnect(), /closed/);
    const state = connections.state;
    assert.strictEqual(state.status, 'signed-out', 'not left "connected" with a session the server has ended');
    assert.match(state.status === 'signed-out' ? state.reason : '', /Connect to Team Server/);
    connections.dispose();
  });

  it('disconnects: ends the server session, forgets the secrets and the row, keeps local sessions', async () => {
    const email = uniqueEmail('disconnect');
    await server.createVerifiedUser(email, PASSWORD);
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    const now = new Date().toISOString();
    await store.write((db) =>
      db.run(
        `INSERT INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified)
         VALUES ('mine', 'focus', ?, 25, 'completed', ?, ?)`,
        [now, now, now],
      ),
    );
    const tokens = new MemoryTokenStore();
    const connections = service(store, tokens);
    await connections.connect(server.url, email, PASSWORD);
    const refreshToken = tokens.tokens!.refreshToken;

    const states: string[] = [];
    connections.onDidChange((s) => states.push(s.status));
    const result = await connections.disconnect();
    assert.deepStrictEqual(result, { serverSessionEnded: true });
    assert.strictEqual(connections.state.status, 'disconnected');
    // a sign-out the user asked for is not "the server ended your session", even for a moment
    assert.deepStrictEqual(states, ['disconnected']);
    assert.strictEqual(tokens.tokens, undefined);
    assert.strictEqual(store.read((db) => db.get('SELECT * FROM team_connection')), undefined);
    assert.strictEqual(store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM sessions'))!.n, 1);
    const refresh = await fetch(`${server.url}/api/auth/v1/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    assert.strictEqual(refresh.status, 401, 'the server session must be over');
    await store.close();
  });
});

describe('team connection: switching accounts on one server', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(async () => server?.stop());

  it('keeps the new account signed in, now and after a restart, without passing through signed-out', async () => {
    const [a, b] = [uniqueEmail('switch-a'), uniqueEmail('switch-b')];
    await server.createVerifiedUser(a, PASSWORD);
    const { id: bId } = await server.createVerifiedUser(b, PASSWORD);
    const file = tempDbFile();
    const tokens = new MemoryTokenStore();
    const first = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    const connection = service(first, tokens);
    await connection.connect(server.url, a, PASSWORD);
    const seen: string[] = [];
    connection.onDidChange((s) => seen.push(s.status));
    await connection.connect(server.url, b, PASSWORD);
    assert.deepStrictEqual(seen, ['connected'], 'the switch went straight from one account to the other');
    assert.ok(tokens.tokens, "the new account's tokens are stored");
    await first.close();

    const second = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    const restored = await service(second, tokens).restore();
    assert.strictEqual(restored.status, 'connected');
    assert.strictEqual(restored.status === 'connected' && restored.connection.userId, bId);
    await second.close();
  });
});

describe('team connection: two windows on one database', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(async () => server?.stop());

  /** Polls until `get` returns what `ok` accepts; the other window learns of writes from the file. */
  async function until<T>(what: string, get: () => T, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = get();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.fail(`the second window never saw ${what}`);
  }

  it('the second window follows a team switch, a sign-in as someone else and a disconnect made in the first', async () => {
    const [a, b] = [uniqueEmail('window-a'), uniqueEmail('window-b')];
    const { id: aId } = await server.createVerifiedUser(a, PASSWORD);
    const { id: bId } = await server.createVerifiedUser(b, PASSWORD);
    const file = tempDbFile();
    const tokens = new MemoryTokenStore();
    const first = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    const second = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    const one = service(first, tokens);
    const two = service(second, tokens);
    try {
      await one.connect(server.url, a, PASSWORD);
      assert.strictEqual((await two.restore()).status, 'connected');

      await one.setActiveTeam('0193f1a2-7c4d-7e8f-9a0b-1c2d3e4f5a6b');
      await until('the team switch', () => two.state, (s) => s.status === 'connected' && s.connection.teamId === '0193f1a2-7c4d-7e8f-9a0b-1c2d3e4f5a6b');

      await one.connect(server.url, b, PASSWORD);
      const asB = await until('the other account', () => two.state, (s) => s.status === 'connected' && s.connection.userId === bId);
      assert.notStrictEqual(asB.status === 'connected' && asB.connection.userId, aId);

      await one.disconnect();
      await until('the disconnect', () => two.state, (s) => s.status === 'disconnected');
    } finally {
      one.dispose();
      two.dispose();
      await first.close();
      await second.close();
    }
  });
});
