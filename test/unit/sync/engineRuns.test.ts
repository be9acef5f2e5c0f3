import * as assert from 'assert';
import { Emitter } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/logger';
import { createEntityRegistry } from '../../../src/core/models';
import { StoreError, type Store } from '../../../src/core/store';
import { SyncEngine, type SyncEngineOptions } from '../../../src/core/sync/engine';
import { AuthError, NetworkError, ServerError } from '../../../src/core/trailbase';
import type { ConnectionState } from '../../../src/core/team/connection';
import { connectedAs, openStore, shareOneSession } from './fixtures';

const settings = { intervalSeconds: 0, conflictStrategy: 'LastWriteWins' as const, maxAttempts: 8, batchSize: 50 };
const realClock = { now: () => Date.now() };
const nothingRemote = async () => ({ records: [] });

/** A server stand-in: record calls answer as given (creates succeed, lists are empty by default). */
function standIn(o: { list?: () => Promise<unknown>; write?: () => Promise<unknown>; status?: () => Promise<unknown> } = {}) {
  const write = o.write ?? (async () => 'id');
  return { records: () => ({ list: o.list ?? nothingRemote, create: write, update: write, delete: write }), status: o.status ?? (async () => undefined) };
}

function engineOn(store: Store, connection: { state: ConnectionState; onDidChange: Emitter<ConnectionState>['event'] }, o: Partial<SyncEngineOptions> = {}): SyncEngine {
  return new SyncEngine({ store, connection, registry: createEntityRegistry(), logger: silentLogger, clock: realClock, settings: () => settings, subscribe: false, ...o });
}

const until = async (ok: () => boolean, ms = 3_000) => {
  for (const deadline = Date.now() + ms; !ok() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

describe('sync engine: runs that fail', () => {
  let store: Store;
  const engines: SyncEngine[] = [];
  beforeEach(async () => ({ store } = await openStore()));
  afterEach(async () => {
    for (const e of engines.splice(0)) {
      e.dispose();
      await e.idle();
    }
    await store.close();
  });

  it('says "sync error", not "up to date", while pulls fail though the server answers, until a run succeeds', async () => {
    let failing = true;
    const list = () => (failing ? Promise.reject(new ServerError('server-error', 'The server failed while listing (HTTP 500). Try again later.')) : nothingRemote());
    const changes = new Emitter<ConnectionState>();
    const engine = engineOn(store, { state: connectedAs(realClock, standIn({ list })), onDidChange: changes.event });
    engines.push(engine);
    await engine.idle();
    const result = await engine.sync('test');
    assert.match(result.error ?? '', /HTTP 500/);
    assert.deepStrictEqual(engine.status().indicator, { state: 'error', reason: result.error });
    assert.match(engine.stats().lastError ?? '', /HTTP 500/);
    failing = false;
    await engine.sync('test');
    assert.deepStrictEqual(engine.status().indicator, { state: 'up-to-date' });
  });

  it('comes back by itself after the database could not be written when a run began', async () => {
    const changes = new Emitter<ConnectionState>();
    const connection = { state: { status: 'disconnected' } as ConnectionState, onDidChange: changes.event };
    const engine = engineOn(store, connection, { settings: () => ({ ...settings, intervalSeconds: 1 }), leaseRetryMs: 100 });
    engines.push(engine);
    await shareOneSession(store, realClock, engine);
    // The next write (taking the lease) fails once: the file held by another program, a full disk.
    const write = store.write.bind(store);
    let failNext = true;
    (store as { write: Store['write'] }).write = (fn) => {
      if (!failNext) return write(fn);
      failNext = false;
      return Promise.reject(new StoreError('lock-timeout', 'FocusFlow could not lock its database.'));
    };
    connection.state = connectedAs(realClock, standIn());
    changes.fire(connection.state);
    assert.ok(await until(() => !failNext), 'the run began');
    assert.ok(await until(() => engine.stats().pending === 0), 'a later run sent the share');
  });

  it('does not spin when a push is refused as signed out while the connection still holds a session', async () => {
    let refusals = 0;
    const refused = () => {
      refusals++;
      return Promise.reject(new AuthError('signed-out', 'The server did not accept your sign-in. Sign in to your team again.'));
    };
    const changes = new Emitter<ConnectionState>();
    const connection = { state: { status: 'disconnected' } as ConnectionState, onDidChange: changes.event };
    const engine = engineOn(store, connection, { settings: () => ({ ...settings, intervalSeconds: 120 }) });
    engines.push(engine);
    await shareOneSession(store, realClock, engine);
    connection.state = connectedAs(realClock, standIn({ write: refused }));
    changes.fire(connection.state);
    await new Promise((r) => setTimeout(r, 500));
    assert.strictEqual(refusals, 1, 'one refusal, then the next try waits for the interval');
    assert.strictEqual(engine.status().indicator.state, 'error');
  });

  it("keeps probing after a client switch even when the old client's probe fails afterwards", async () => {
    let up = false;
    const down = () => Promise.reject(new NetworkError('unreachable', 'Cannot reach the TrailBase server.'));
    const maybe = () => (up ? nothingRemote() : down());
    // The old client's probe is slow to fail (a connect timeout): it is still waiting when the client changes.
    const oldClient = standIn({ list: maybe, write: maybe, status: () => new Promise((r) => setTimeout(r, 350)).then(down) });
    const changes = new Emitter<ConnectionState>();
    const connection = { state: connectedAs(realClock, oldClient), onDidChange: changes.event };
    const engine = engineOn(store, connection, { settings: () => ({ ...settings, intervalSeconds: 3600 }), probe: { baseMs: 100, capMs: 100 } });
    engines.push(engine);
    await engine.idle();
    assert.strictEqual(engine.status().indicator.state, 'offline');
    await new Promise((r) => setTimeout(r, 200));
    connection.state = connectedAs(realClock, standIn({ list: maybe, write: maybe, status: maybe }));
    changes.fire(connection.state);
    await engine.idle();
    await new Promise((r) => setTimeout(r, 500));
    up = true;
    assert.ok(await until(() => engine.status().indicator.state === 'up-to-date'), `still ${engine.status().indicator.state}`);
  });

  it('charges a 502 or 504 once the probe saw the server answer, so one request the gateway always fails cannot stop pulls', async () => {
    let pulls = 0;
    const gatewayTimeout = () => Promise.reject(new ServerError('server-error', 'The server failed while creating a record (HTTP 504).', { status: 504 }));
    const changes = new Emitter<ConnectionState>();
    const connection = { state: { status: 'disconnected' } as ConnectionState, onDidChange: changes.event };
    const engine = engineOn(store, connection, { settings: () => ({ ...settings, intervalSeconds: 3600 }), probe: { baseMs: 50, capMs: 50 } });
    engines.push(engine);
    await shareOneSession(store, realClock, engine);
    const list = async () => {
      pulls++;
      return { records: [] };
    };
    connection.state = connectedAs(realClock, standIn({ list, write: gatewayTimeout }));
    changes.fire(connection.state);
    const retries = () => store.read((db) => db.get<{ retry_count: number }>('SELECT retry_count FROM sync_queue'))?.retry_count ?? 0;
    assert.ok(await until(() => pulls > 0 && retries() > 0), `${pulls} pulls, retry count ${retries()}, ${engine.status().indicator.state}`);
  });

  it('keeps probing an unreachable server after the connection moved to a new client of the same account', async () => {
    let up = false;
    const maybe = () => (up ? nothingRemote() : Promise.reject(new NetworkError('unreachable', 'Cannot reach the TrailBase server.')));
    const client = () => standIn({ list: maybe, write: maybe, status: maybe });
    const changes = new Emitter<ConnectionState>();
    const connection = { state: connectedAs(realClock, client()), onDidChange: changes.event };
    const engine = engineOn(store, connection, { settings: () => ({ ...settings, intervalSeconds: 3600 }), probe: { baseMs: 100, capMs: 100 } });
    engines.push(engine);
    await engine.idle();
    assert.strictEqual(engine.status().indicator.state, 'offline');
    // Another window signed in again: same account, a new client, and the server still down.
    connection.state = connectedAs(realClock, client());
    changes.fire(connection.state);
    await engine.idle();
    up = true;
    assert.ok(await until(() => engine.status().indicator.state === 'up-to-date'), `still ${engine.status().indicator.state}`);
  });
});
