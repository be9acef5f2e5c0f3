import assert from 'node:assert/strict';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import type { ChangeEvent, ClientError, SubscriptionStatus } from '../../src/core/trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { sharedSessionSchema, signedInClient, teamSchema, type SharedSession, type Team } from './clientFixtures';

function newSession(team: string, user: string, local: string) {
  return { id: uuidToBase64(uuidv7()), team, user, local_session_id: local, start_time: new Date().toISOString(), planned_duration_minutes: 25, last_modified: new Date().toISOString() };
}

/** Collects what a subscription reports and lets a test wait for a condition on it. */
class Recorder<T = SharedSession> {
  events: ChangeEvent<T>[] = [];
  resyncs: string[] = [];
  errors: ClientError[] = [];
  statuses: SubscriptionStatus[] = [];
  private waiters: (() => void)[] = [];
  handlers = {
    onEvent: (e: ChangeEvent<T>) => this.push(() => this.events.push(e)),
    onResync: (r: 'loss' | 'reconnected') => this.push(() => this.resyncs.push(r)),
    onError: (e: ClientError) => this.push(() => this.errors.push(e)),
    onStatus: (s: SubscriptionStatus) => this.push(() => this.statuses.push(s)),
  };
  private push(f: () => void): void {
    f();
    for (const w of this.waiters.splice(0)) w();
  }
  async until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; statuses ${this.statuses.join(',')}; errors ${this.errors.map((e) => e.message).join(' | ')}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

describe('TrailBase client: subscriptions against the local server', function () {
  this.timeout(40_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('receives insert, update and delete events of a table, validated by the schema', async () => {
    const a = await signedInClient(server);
    const team = await a.client.records('teams', teamSchema).create({ name: 'Live', created_by: a.userId });
    const sessions = a.client.records('shared_sessions', sharedSessionSchema);
    const rec = new Recorder();
    const sub = sessions.subscribe('*', rec.handlers, { where: { team } });
    try {
      await rec.until('open', () => rec.statuses.includes('open'));
      const row = newSession(team, a.userId, 'live-1');
      await sessions.create(row);
      await rec.until('insert', () => rec.events.length >= 1);
      await sessions.update(row.id, { completed: 1 });
      await rec.until('update', () => rec.events.length >= 2);
      await sessions.delete(row.id);
      await rec.until('delete', () => rec.events.length >= 3);
      assert.deepEqual(rec.events.map((e) => [e.type, e.record.id, e.record.local_session_id]), [
        ['insert', row.id, 'live-1'],
        ['update', row.id, 'live-1'],
        ['delete', row.id, 'live-1'],
      ]);
      assert.equal(rec.events[1].record.completed, 1);
      assert.deepEqual(rec.resyncs, []);
      assert.deepEqual(rec.errors, []);
    } finally {
      sub.dispose();
      await sub.closed;
    }
    assert.equal(rec.statuses.at(-1), 'closed');
  });

  it('follows one record', async () => {
    const a = await signedInClient(server);
    const team = await a.client.records('teams', teamSchema).create({ name: 'One', created_by: a.userId });
    const sessions = a.client.records('shared_sessions', sharedSessionSchema);
    const watched = newSession(team, a.userId, 'watched');
    const other = newSession(team, a.userId, 'other');
    await sessions.create([watched, other]);
    const rec = new Recorder();
    const controller = new AbortController();
    const sub = sessions.subscribe({ id: watched.id }, rec.handlers, { signal: controller.signal });
    await rec.until('open', () => rec.statuses.includes('open'));
    await sessions.update(other.id, { completed: 1 });
    await sessions.update(watched.id, { completed: 1 });
    await rec.until('update', () => rec.events.length >= 1);
    controller.abort();
    await sub.closed;
    assert.deepEqual(rec.events.map((e) => [e.type, e.record.local_session_id]), [['update', 'watched']]);
  });

  it('reconnects after the server restarts, asks the caller to list again, and keeps delivering', async () => {
    const a = await signedInClient(server);
    const team = await a.client.records('teams', teamSchema).create({ name: 'Restart', created_by: a.userId });
    const sessions = a.client.records('shared_sessions', sharedSessionSchema);
    const rec = new Recorder();
    const sub = sessions.subscribe('*', rec.handlers, { where: { team }, backoff: { baseMs: 100, capMs: 500 } });
    try {
      await rec.until('open', () => rec.statuses.includes('open'));
      await server.restart();
      await rec.until('resync after reconnect', () => rec.resyncs.includes('reconnected'));
      assert.ok(rec.statuses.includes('reconnecting'));
      const row = newSession(team, a.userId, 'after-restart');
      await sessions.create(row);
      await rec.until('insert after restart', () => rec.events.some((e) => e.record.id === row.id));
      assert.equal(rec.events.find((e) => e.record.id === row.id)?.type, 'insert');
    } finally {
      sub.dispose();
      await sub.closed;
    }
  });

  it('asks the caller to list again when it first opens after failed attempts (the list then failed too)', async () => {
    const a = await signedInClient(server);
    const team = await a.client.records('teams', teamSchema).create({ name: 'Outage', created_by: a.userId });
    await server.setFaults({ errorRate: 1, errorStatus: 503, paths: '^/api/records/v1/shared_sessions' });
    const rec = new Recorder();
    const sub = a.client.records('shared_sessions', sharedSessionSchema).subscribe('*', rec.handlers, { where: { team }, backoff: { baseMs: 100, capMs: 200 } });
    try {
      await rec.until('a failed attempt', () => rec.errors.length > 0);
      await server.clearFaults();
      await rec.until('open', () => rec.statuses.includes('open'));
      await rec.until('a resync', () => rec.resyncs.length > 0);
      assert.deepEqual(rec.resyncs, ['reconnected']);
    } finally {
      await server.clearFaults();
      sub.dispose();
      await sub.closed;
    }
  });

  it('stops, with a permission error, when the user may not subscribe', async () => {
    const { client } = await signedInClient(server);
    const rec = new Recorder<Team>();
    const sub = client.records('teams', teamSchema).subscribe('*', rec.handlers);
    await sub.closed;
    assert.equal(rec.errors.length, 1);
    assert.equal(rec.errors[0].kind, 'auth');
    assert.equal(rec.statuses.at(-1), 'closed');
  });
});
