import * as assert from 'assert';
import { Emitter } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/logger';
import { createEntityRegistry } from '../../../src/core/models';
import { SyncEngine } from '../../../src/core/sync/engine';
import { SyncLease } from '../../../src/core/sync/lease';
import { NetworkError } from '../../../src/core/trailbase';
import type { ConnectionState } from '../../../src/core/team/connection';
import { connectedAs, FakeClock, openStore, shareOneSession } from './fixtures';

describe('sync lease: one run at a time across windows', () => {
  it('of two windows (two Store instances on one file) asking at once, exactly one gets the lease, every round', async () => {
    const { store: a, file } = await openStore();
    const { store: b } = await openStore(file);
    const clock = new FakeClock();
    const la = new SyncLease(a, clock, 'window-a');
    const lb = new SyncLease(b, clock, 'window-b');
    try {
      const winners: string[] = [];
      for (let round = 0; round < 20; round++) {
        const [ga, gb] = await Promise.all([la.acquire(), lb.acquire()]);
        assert.notStrictEqual(ga, gb, `round ${round}: exactly one window holds the lease`);
        winners.push(ga ? 'a' : 'b');
        assert.strictEqual(la.holder(), ga ? 'window-a' : 'window-b', 'both windows agree on the holder');
        assert.strictEqual(lb.holder(), ga ? 'window-a' : 'window-b');
        await (ga ? la : lb).release();
      }
      assert.strictEqual(winners.length, 20);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('stays with a holder whose run outlasts the lease lifetime while it keeps it alive, and lapses after', async () => {
    const { store: a, file } = await openStore();
    const { store: b } = await openStore(file);
    const clock = { now: () => Date.now() };
    const la = new SyncLease(a, clock, 'window-a', 300);
    const lb = new SyncLease(b, clock, 'window-b', 300);
    try {
      assert.ok(await la.acquire());
      const renewal = la.keepAlive((err) => assert.fail(err as Error));
      await new Promise((resolve) => setTimeout(resolve, 800));
      assert.strictEqual(await lb.acquire(), false, 'a long run keeps its lease');
      renewal.dispose();
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.strictEqual(await lb.acquire(), true, 'without renewal it lapses');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a lease left by a window that died expires; the late release of the old holder does not free the new one', async () => {
    const { store: a, file } = await openStore();
    const { store: b } = await openStore(file);
    const clock = new FakeClock();
    const la = new SyncLease(a, clock, 'window-a', 1_000);
    const lb = new SyncLease(b, clock, 'window-b', 1_000);
    try {
      assert.strictEqual(await la.acquire(), true);
      assert.strictEqual(await lb.acquire(), false);
      clock.advance(999);
      assert.strictEqual(await lb.acquire(), false, 'not before expiry');
      clock.advance(2);
      assert.strictEqual(await lb.acquire(), true, 'taken over after expiry');
      await la.release();
      assert.strictEqual(la.holder(), 'window-b');
      assert.strictEqual(await la.acquire(), false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('an engine whose lease is held elsewhere skips the run and says why; a disconnected engine says it is not connected', async () => {
    const { store, file } = await openStore();
    const { store: other } = await openStore(file);
    const clock = new FakeClock();
    const changes = new Emitter<ConnectionState>();
    const connection = { state: { status: 'disconnected' } as ConnectionState, onDidChange: changes.event };
    const settings = { intervalSeconds: 0, conflictStrategy: 'LastWriteWins' as const, maxAttempts: 8, batchSize: 50 };
    const engine = new SyncEngine({ store, connection, registry: createEntityRegistry(), logger: silentLogger, clock, settings: () => settings, subscribe: false });
    try {
      assert.deepStrictEqual(engine.status().indicator, { state: 'not-connected' });
      const skipped = await engine.sync('test');
      assert.match(skipped.skipped ?? '', /Not connected/);

      await shareOneSession(store, clock, engine);
      assert.strictEqual(engine.stats().pending, 1);

      // Signed out: the row is there but the session is gone; the indicator says why.
      connection.state = { status: 'signed-out', serverUrl: 'http://127.0.0.1:1', reason: 'Your session ended.' };
      changes.fire(connection.state);
      assert.deepStrictEqual(engine.status().indicator, { state: 'offline', reason: 'Your session ended.' });

      assert.strictEqual(await new SyncLease(other, clock, 'another-window').acquire(), true);
      connection.state = connectedAs(clock, {});
      const result = await engine.sync('test');
      assert.match(result.skipped ?? '', /Another VS Code window is syncing/);
      assert.strictEqual(result.pending, 1, 'nothing was sent');
      assert.deepStrictEqual(engine.status().indicator, { state: 'pending', count: 1 });
    } finally {
      engine.dispose();
      await store.close();
      await other.close();
    }
  });
  it('an engine that found the lease held tries again by itself while changes wait, so a window closed mid-run cannot stop sync', async () => {
    const { store, file } = await openStore();
    const { store: other } = await openStore(file);
    const clock = new FakeClock();
    const connection = {
      state: connectedAs(clock, {}),
      onDidChange: new Emitter<ConnectionState>().event,
    };
    const otherLease = new SyncLease(other, clock, 'another-window');
    assert.strictEqual(await otherLease.acquire(), true);
    const settings = { intervalSeconds: 3600, conflictStrategy: 'LastWriteWins' as const, maxAttempts: 8, batchSize: 50 };
    const engine = new SyncEngine({
      store, connection, registry: createEntityRegistry(), logger: silentLogger, clock, settings: () => settings, subscribe: false, leaseRetryMs: 50,
    });
    const states: string[] = [];
    engine.onDidChangeStatus((s) => states.push(s.indicator.state));
    try {
      await shareOneSession(store, clock, engine);
      assert.match((await engine.sync('test')).skipped ?? '', /Another VS Code window is syncing/);
      await otherLease.release();
      for (let i = 0; i < 100 && !states.includes('syncing'); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(states.includes('syncing'), `no run followed once the lease was free (states: ${states.join(', ')})`);
    } finally {
      engine.dispose();
      await engine.idle();
      await store.close();
      await other.close();
    }
  });
  it('an offline window whose neighbour completed a sync starts syncing again by itself', async () => {
    const { store, file } = await openStore();
    const { store: other } = await openStore(file);
    const clock = new FakeClock();
    const unreachable = () => Promise.reject(new NetworkError('unreachable', 'Cannot reach the TrailBase server.'));
    const client = { records: () => ({ list: unreachable, create: unreachable, update: unreachable, delete: unreachable }), status: unreachable };
    const connection = {
      state: connectedAs(clock, client),
      onDidChange: new Emitter<ConnectionState>().event,
    };
    const settings = { intervalSeconds: 3600, conflictStrategy: 'LastWriteWins' as const, maxAttempts: 8, batchSize: 50 };
    const engine = new SyncEngine({
      store, connection, registry: createEntityRegistry(), logger: silentLogger, clock, settings: () => settings, subscribe: false,
      probe: { baseMs: 3_600_000, capMs: 3_600_000 },
    });
    try {
      await engine.idle();
      assert.strictEqual(engine.status().indicator.state, 'offline');
      await shareOneSession(store, clock, engine);
      const states: string[] = [];
      engine.onDidChangeStatus((s) => states.push(s.indicator.state));
      clock.advance(1_000);
      await other.write((db) => engine.queue().noteSyncCompleted(db, clock.now()));
      for (let i = 0; i < 150 && !states.includes('syncing'); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(states.includes('syncing'), `no run followed the other window's sync (states: ${states.join(', ')})`);
    } finally {
      engine.dispose();
      await engine.idle();
      await store.close();
      await other.close();
    }
  });
});
