import * as assert from 'assert';
import { base64ToUuid } from '../../src/core/ids';
import { pullChanges } from '../../src/core/sync/pull';
import { shareSession, unshareSession, updateSharedSession } from '../../src/core/sync/sharing';
import { createEntityRegistry } from '../../src/core/models';
import { TeamService } from '../../src/core/team/teams';
import { silentLogger } from '../../src/core/logger';
import { startTestServer, type TestServer } from '../server/harness';
import { completedSessions, createTeam, joinTeam, machine, remoteShared, userAccount, type Machine } from './syncFixtures';
import { PASSWORD } from './helpers';
import type { ConflictStrategy } from '../../src/core/sync/conflict';
import type { Clock } from '../../src/core/clock';
import { tempDbFile } from '../support/bundleScript';
import { openStoreOnDisk } from '../../src/node/store/openStore';

function localShared(m: Machine): Record<string, unknown>[] {
  return m.store.read((db) => db.all('SELECT * FROM shared_sessions ORDER BY id'));
}

describe('sync engine against the local TrailBase-compatible server', function () {
  this.timeout(30_000);
  let server: TestServer;
  let team: { id: string; inviteCode: string };
  let alice: { email: string; id: string };
  let bob: { email: string; id: string };
  const open: Machine[] = [];
  const on = async (email: string, o: Parameters<typeof machine>[3] = {}) => {
    const m = await machine(server, email, team.id, o);
    open.push(m);
    return m;
  };

  before(async () => {
    server = await startTestServer();
    alice = await userAccount(server, 'alice');
    bob = await userAccount(server, 'bob');
    const a = await machine(server, alice.email, undefined);
    team = await createTeam(a.connection.client!, 'Sync team');
    await a.close();
    const b = await machine(server, bob.email, undefined);
    await joinTeam(b.connection.client!, team.inviteCode);
    await b.close();
  });
  afterEach(async () => {
    // A test that failed halfway must not leave its injected faults to the tests after it.
    await server.clearFaults();
    for (const m of open.splice(0)) await m.close();
  });
  after(async () => server?.stop());

  it('pushes a shared session and a teammate pulls it, with the team and both memberships', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const [sessionId] = await completedSessions(a.store, 1);
    const shared = await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    assert.deepStrictEqual(a.engine.stats().pending, 1);

    const pushed = await a.engine.sync('test', { explicit: true });
    assert.deepStrictEqual({ synced: pushed.synced, failed: pushed.failed, pending: pushed.pending }, { synced: 1, failed: 0, pending: 0 });
    assert.strictEqual(a.store.read((db) => db.get<{ s: string }>('SELECT sync_status AS s FROM shared_sessions WHERE id = ?', [shared.localId]))?.s, 'synced');

    const pulled = await b.engine.sync('test', { explicit: true });
    assert.ok(pulled.pulled >= 1);
    const onB = localShared(b);
    assert.strictEqual(onB.length, 1);
    assert.strictEqual(onB[0].id, shared.localId);
    assert.strictEqual(onB[0].local_session_id, sessionId);
    assert.strictEqual(b.store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM teams WHERE id = ?', [base64ToUuid(team.id)]))?.n, 1);
    assert.strictEqual(b.store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM members'))?.n, 2);
    assert.strictEqual(b.engine.status().indicator.state, 'up-to-date');
  });

  it('a long push sends every share once, also one made while the push runs', async () => {
    let duringPush: Promise<unknown> | undefined;
    let lateSession = '';
    const a: Machine = await on(alice.email, {
      client: {
        // The first record request waits until a new share is on disk: it lands after the push claimed the queue.
        fetch: (input, init) => {
          if (!duringPush && String(input).includes('/api/records/v1/shared_sessions') && init?.method === 'POST') {
            duringPush = shareSession(a.sharing, { sessionId: lateSession, teamId: team.id, userId: a.userId });
          }
          return (duringPush ?? Promise.resolve()).then(() => globalThis.fetch(input, init));
        },
      },
    });
    const sessions = await completedSessions(a.store, 901, Date.parse('2026-05-01T08:00:00.000Z'));
    lateSession = sessions.pop()!;
    await Promise.all(sessions.map((sessionId) => shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId })));
    await server.resetStats();

    const run = await a.engine.sync('test', { explicit: true });
    assert.ok(duringPush, 'the share during the push was made');
    assert.deepStrictEqual({ synced: run.synced, failed: run.failed, pending: run.pending }, { synced: 901, failed: 0, pending: 0 });
    const requests = (await server.stats()).requests['POST /api/records/v1/shared_sessions'];
    assert.ok(requests <= Math.ceil(900 / 50) + 1, `${requests} create requests for 901 shares in batches of 50`);
    const onServer = await a.connection.client!.records('shared_sessions', remoteShared).list({
      where: { user: a.userId, start_time: { $gte: '2026-05-01T00:00:00.000Z' } },
      limit: 1024,
      count: true,
    });
    assert.strictEqual(onServer.totalCount, 901);
    const syncedHere = a.store.read((db) =>
      db.get<{ n: number }>("SELECT count(*) AS n FROM shared_sessions WHERE sync_status = 'synced' AND start_time >= '2026-05-01'"),
    );
    assert.strictEqual(syncedHere?.n, 901);
  });

  it('a remote tombstone removes the teammate\'s copy, and sharing again brings it back under the same id', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const [sessionId] = await completedSessions(a.store, 1, Date.parse('2026-04-01T08:00:00.000Z'));
    const shared = await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    await a.engine.sync('test');
    await b.engine.sync('test');
    assert.ok(localShared(b).some((r) => r.id === shared.localId));

    await unshareSession(a.sharing, shared.localId);
    await a.engine.sync('test');
    await b.engine.sync('test');
    assert.ok(!localShared(b).some((r) => r.id === shared.localId), 'the tombstone removed it on the teammate\'s machine');
    const row = await a.connection.client!.records('shared_sessions', remoteShared).read(shared.localId);
    assert.strictEqual(row.deleted, 1);

    const again = await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    assert.strictEqual(again.localId, shared.localId);
    await a.engine.sync('test');
    await b.engine.sync('test');
    assert.ok(localShared(b).some((r) => r.id === shared.localId));
    const rows = await a.connection.client!.records('shared_sessions', remoteShared).list({ where: { local_session_id: sessionId } });
    assert.strictEqual(rows.records.length, 1, 'one server row for the session, never a duplicate');
    assert.strictEqual(rows.records[0].deleted, 0);
  });

  it('leaving a team and joining it again brings its whole history back', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const club = await createTeam(a.connection.client!, 'Rejoin club');
    await a.connection.setActiveTeam(club.id);
    const [sessionId] = await completedSessions(a.store, 1, Date.parse('2026-06-01T08:00:00.000Z'));
    const shared = await shareSession(a.sharing, { sessionId, teamId: club.id, userId: a.userId });
    await a.engine.sync('test');
    const bobTeams = new TeamService({ store: b.store, connection: b.connection, logger: silentLogger });
    try {
      await bobTeams.joinTeam(club.inviteCode);
      await b.engine.sync('test');
      assert.ok(localShared(b).some((r) => r.id === shared.localId), 'pulled while a member');
      await bobTeams.leaveTeam(club.id);
      await b.engine.sync('test');
      assert.ok(!localShared(b).some((r) => r.id === shared.localId), 'forgotten after leaving');

      await bobTeams.joinTeam(club.inviteCode);
      await b.engine.sync('test');
      assert.ok(localShared(b).some((r) => r.id === shared.localId), 'the session shared before leaving is back');
    } finally {
      bobTeams.dispose();
    }
  });

  it('removed from the active team on the server, the next pull moves the active team to one the user is still in', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const aliceTeams = new TeamService({ store: a.store, connection: a.connection, logger: silentLogger });
    const bobTeams = new TeamService({ store: b.store, connection: b.connection, logger: silentLogger });
    try {
      const club = await aliceTeams.createTeam('Removal club');
      await bobTeams.joinTeam(club.inviteCode);
      assert.strictEqual(bobTeams.activeTeamId, club.id);
      await aliceTeams.removeMember({ teamId: club.id, userId: b.userId });
      await b.engine.sync('test');
      await bobTeams.keepActiveTeamCurrent();
      assert.ok(!bobTeams.teams().some((t) => t.id === club.id), 'the pull forgot the team');
      const active = bobTeams.activeTeamId;
      assert.ok(active && active !== club.id && bobTeams.teams().some((t) => t.id === active), 'a team he is still in is active');
      assert.ok(bobTeams.teams().some((t) => t.id === base64ToUuid(team.id)));
    } finally {
      aliceTeams.dispose();
      bobTeams.dispose();
    }
  });

  it("changes one account queued are held while another account is connected here, and go out when it is back", async () => {
    const a = await on(alice.email);
    const [sessionId] = await completedSessions(a.store, 1, Date.parse('2026-10-01T08:00:00.000Z'));
    const shared = await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    const onServer = async () =>
      (await a.connection.client!.records('shared_sessions', remoteShared).list({ where: { local_session_id: sessionId } })).records.length;

    await a.connection.connect(server.url, bob.email, PASSWORD);
    await a.engine.idle();
    await a.engine.sync('test', { explicit: true });
    assert.deepStrictEqual([a.engine.stats().pending, a.engine.stats().failed], [1, 0], "held: neither sent as bob nor failed");
    assert.strictEqual(await onServer(), 0);
    // Bob has nothing to send: the status bar says so, and the tooltip tells whose change waits.
    assert.strictEqual(a.engine.stats().held, 1);
    assert.strictEqual(a.engine.status().indicator.state, 'up-to-date');
    assert.deepStrictEqual(a.engine.stats().heldFor, [{ userId: base64ToUuid(alice.id), email: alice.email, serverUrl: server.url, count: 1 }]);

    await a.connection.connect(server.url, alice.email, PASSWORD);
    await a.engine.idle();
    await a.engine.sync('test');
    assert.deepStrictEqual([a.engine.stats().pending, a.engine.stats().failed], [0, 0]);
    assert.strictEqual(await onServer(), 1);
    assert.ok(localShared(a).some((r) => r.id === shared.localId && r.sync_status === 'synced'));
  });

  it('pages by server time without skipping rows written in the same millisecond, even with changes between pages', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const sessions = await completedSessions(a.store, 120, Date.parse('2026-05-01T08:00:00.000Z'));
    for (const sessionId of sessions) await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    // One bulk request: the rows share commit time, only updated_at's +1 rule tells them apart.
    a.settings.batchSize = 120;
    await a.engine.sync('test');
    const registry = createEntityRegistry();
    let pages = 0;
    const client = b.connection.client!;
    const origList = client.records.bind(client);
    // Writes land on the server between B's pages: they must be picked up by the same pull.
    const later = await completedSessions(a.store, 15, Date.parse('2026-05-20T08:00:00.000Z'));
    client.records = ((api: string, schema: never, opts?: never) => {
      const rec = origList(api, schema, opts);
      if (api !== 'shared_sessions') return rec;
      const list = rec.list.bind(rec);
      rec.list = async (lo) => {
        const page = await list(lo);
        if (++pages === 3) {
          for (const sessionId of later) await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
          await a.engine.sync('test');
        }
        return page;
      };
      return rec;
    }) as typeof client.records;
    await pullChanges({
      store: b.store,
      queue: b.engine.queue(),
      registry,
      client,
      logger: silentLogger,
      strategy: 'LastWriteWins',
      userId: b.userId,
      scope: 'paging test',
      reader: 'test',
      pageSize: 7,
    });
    const local = new Set(localShared(b).map((r) => r.local_session_id as string));
    for (const s of [...sessions, ...later]) assert.ok(local.has(s), `session ${s} was pulled`);
    assert.ok(pages > 120 / 7, `paged (${pages} pages)`);
  });

  it('asks for the next page while it saves the last one; a save that fails keeps the checkpoint, and the next pull brings the rest', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const sessions = await completedSessions(a.store, 30, Date.parse('2026-06-01T08:00:00.000Z'));
    for (const sessionId of sessions) await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    await a.engine.sync('test');
    const events: string[] = [];
    const pages: number[][] = [];
    const client = b.connection.client!;
    const records = client.records.bind(client);
    client.records = ((api: string, schema: never, opts?: never) => {
      const rec = records(api, schema, opts);
      if (api !== 'shared_sessions') return rec;
      const list = rec.list.bind(rec);
      rec.list = async (lo) => {
        // Bob is in other teams too (earlier tests): only this team's pages count.
        if ((lo?.where as { team?: unknown } | undefined)?.team !== team.id) return list(lo);
        events.push('list');
        const page = await list(lo);
        pages.push(page.records.map((r) => (r as { updated_at: number }).updated_at));
        return page;
      };
      return rec;
    }) as typeof client.records;
    const write = b.store.write.bind(b.store);
    let failAt = 0;
    let saves = 0;
    b.store.write = ((fn: Parameters<typeof write>[0]) => {
      // From this team's first page on (the pull takes its teams one after the other).
      if (!events.length) return write(fn);
      const n = ++saves;
      events.push(`save ${n}`);
      if (n === failAt) return Promise.reject(new Error('the disk is full'));
      return write(fn).finally(() => events.push(`saved ${n}`));
    }) as typeof write;
    const pull = () =>
      pullChanges({
        store: b.store,
        queue: b.engine.queue(),
        registry: createEntityRegistry(),
        client,
        logger: silentLogger,
        strategy: 'LastWriteWins',
        userId: b.userId,
        scope: 'prefetch test',
        reader: 'test',
        pageSize: 7,
      });
    const checkpoint = () => Number(b.store.read((db) => db.get<{ value: string }>('SELECT value FROM sync_state WHERE key = ?', [`pull.cp.shared_sessions.${team.id}`]))?.value);

    failAt = 2;
    await assert.rejects(pull(), /the disk is full/);
    assert.deepStrictEqual(events.slice(0, 4), ['list', 'list', 'save 1', 'saved 1'], `the second page is asked for before the first is saved: ${events.join(', ')}`);
    assert.strictEqual(checkpoint(), Math.max(...pages[0]), 'the checkpoint is the last saved page\'s, not the one fetched ahead');

    failAt = 0;
    events.length = 0;
    await pull();
    const local = new Set(localShared(b).map((r) => r.local_session_id as string));
    for (const s of sessions) assert.ok(local.has(s), `session ${s} was pulled`);
  });

  it('an unshare right after a burst of shares still reaches a teammate who pulled the burst', async () => {
    const a = await on(alice.email);
    const b = await on(bob.email);
    const sessions = await completedSessions(a.store, 600, Date.parse('2026-06-01T08:00:00.000Z'));
    const shared = await Promise.all(sessions.map((sessionId) => shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId })));
    // Bulk creates write faster than one row per millisecond, so server time runs ahead of the clock.
    a.settings.batchSize = 128;
    await a.engine.sync('test');
    await b.engine.sync('test');
    const newest = shared[shared.length - 1];
    assert.ok(localShared(b).some((r) => r.id === newest.localId));

    // The unshare replaces the row holding the newest server time while the clock is still behind it.
    await unshareSession(a.sharing, newest.localId);
    await a.engine.sync('test');
    await b.engine.sync('test');
    assert.ok(!localShared(b).some((r) => r.id === newest.localId), 'the teammate still shows the unshared session');
  });

  it('while connected, a teammate\'s share arrives live without a sync request, also after the server restarted', async () => {
    const a = await on(alice.email);
    const STREAM = 'GET /api/records/v1/shared_sessions/subscribe/*';
    const streamsBefore = (await server.stats()).requests[STREAM] ?? 0;
    const b = await on(bob.email, { subscribe: true, probe: { baseMs: 100, capMs: 500 } });
    const arrived = (id: string) => async () => {
      for (let i = 0; i < 100; i++) {
        if (localShared(b).some((r) => r.id === id)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`shared session ${id} did not arrive live within 5 s`);
    };
    const [first, second] = await completedSessions(a.store, 2, Date.parse('2026-08-01T08:00:00.000Z'));
    // The stream must be open before the share, or its event has nobody to reach (events are not replayed).
    for (let i = 0; i < 200 && ((await server.stats()).requests[STREAM] ?? 0) <= streamsBefore; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200)); // from the request's arrival to its registration
    const one = await shareSession(a.sharing, { sessionId: first, teamId: team.id, userId: a.userId });
    await a.engine.sync('test');
    await arrived(one.localId)();

    await server.restart();
    const two = await shareSession(a.sharing, { sessionId: second, teamId: team.id, userId: a.userId });
    await a.engine.sync('test');
    await arrived(two.localId)();
  });

  it("the live echo of its own share starts no further run, while a teammate's share still arrives live", async () => {
    const STREAM = 'GET /api/records/v1/shared_sessions/subscribe/*';
    const streamsBefore = (await server.stats()).requests[STREAM] ?? 0;
    const a = await on(alice.email, { subscribe: true });
    for (let i = 0; i < 200 && ((await server.stats()).requests[STREAM] ?? 0) <= streamsBefore; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200)); // from the request's arrival to its registration
    let runs = 0;
    let syncing = false;
    a.engine.onDidChangeStatus((s) => {
      if (s.indicator.state === 'syncing' && !syncing) runs++;
      syncing = s.indicator.state === 'syncing';
    });
    const [mine] = await completedSessions(a.store, 1, Date.parse('2026-11-01T08:00:00.000Z'));
    await shareSession(a.sharing, { sessionId: mine, teamId: team.id, userId: a.userId });
    await a.engine.sync('test');
    await a.engine.idle();
    const afterPush = runs;
    // The echo arrives within milliseconds and a live change is pulled 300 ms later.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.strictEqual(runs, afterPush, 'a pull ran for the echo of its own share');

    const b = await on(bob.email);
    const [theirs] = await completedSessions(b.store, 1, Date.parse('2026-11-02T08:00:00.000Z'));
    const shared = await shareSession(b.sharing, { sessionId: theirs, teamId: team.id, userId: b.userId });
    await b.engine.sync('test');
    for (let i = 0; i < 100 && !localShared(a).some((r) => r.id === shared.localId); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(localShared(a).some((r) => r.id === shared.localId), "the teammate's share arrived live");
  });

  it('a 503 backs the change off (persisted in the file); being unreachable charges nothing and the server coming back triggers a run', async () => {
    const file = tempDbFile();
    // Full jitter may draw a delay near zero; a fixed draw makes the wait half the minute.
    const a = await on(alice.email, { file, backoff: { baseMs: 60_000, capMs: 60_000 }, random: () => 0.5, probe: { baseMs: 100, capMs: 300 }, client: { retry: { retries: 0 } } });
    const [s1] = await completedSessions(a.store, 1, Date.parse('2026-09-01T08:00:00.000Z'));
    await shareSession(a.sharing, { sessionId: s1, teamId: team.id, userId: a.userId });
    const row = () => a.store.read((db) => db.get<{ retry_count: number; next_attempt_at: number; last_error: string | null }>('SELECT retry_count, next_attempt_at, last_error FROM sync_queue'));

    await server.setFaults({ errorRate: 1, errorStatus: 503, paths: '^/api/records' });
    const failed = await a.engine.sync('test');
    assert.deepStrictEqual([failed.synced, failed.pending, failed.failed], [0, 1, 0]);
    assert.strictEqual(row()?.retry_count, 1);
    assert.ok((row()?.next_attempt_at ?? 0) > Date.now() + 1_000, 'the next attempt waits');
    await server.clearFaults();
    const reopened = await openStoreOnDisk({ file, logger: silentLogger });
    const persisted = reopened.store.read((db) => db.get<{ next_attempt_at: number }>('SELECT next_attempt_at FROM sync_queue'));
    await reopened.store.close();
    assert.strictEqual(persisted?.next_attempt_at, row()?.next_attempt_at, 'the backoff is in the file');
    assert.strictEqual((await a.engine.sync('timer')).synced, 0, 'a timer run respects the backoff');
    // That run claimed nothing behind the waiting head: a share made meanwhile and unshared before it
    // ever went out leaves nothing to send.
    const [s2] = await completedSessions(a.store, 1, Date.parse('2026-09-02T08:00:00.000Z'));
    const second = await shareSession(a.sharing, { sessionId: s2, teamId: team.id, userId: a.userId });
    assert.strictEqual((await a.engine.sync('timer')).synced, 0);
    await unshareSession(a.sharing, second.localId);
    assert.strictEqual(a.store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM sync_queue'))?.n, 1, 'only the waiting share is queued');

    await server.setFaults({ dropBeforeCommit: 1, paths: '^/api/(records|transaction)' });
    const offline = await a.engine.sync('test', { explicit: true });
    assert.strictEqual(offline.synced, 0);
    assert.strictEqual(a.engine.status().indicator.state, 'offline');
    assert.strictEqual(row()?.retry_count, 1, 'being offline is not an attempt');
    await server.clearFaults();
    for (let i = 0; i < 100 && a.engine.status().indicator.state !== 'up-to-date'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(a.engine.status().indicator.state, 'up-to-date', 'the probe saw the server back and a run sent the change');
  });

  it('takes a gateway\'s 502 or 504 (the server restarting behind its proxy) as unreachable: nothing is charged', async () => {
    // The probe waits long enough that both runs below meet the gateway before it has seen the server answer.
    const a = await on(alice.email, { probe: { baseMs: 1_500, capMs: 1_500 }, client: { retry: { retries: 0 } } });
    const [s1] = await completedSessions(a.store, 1, Date.parse('2026-09-03T08:00:00.000Z'));
    await shareSession(a.sharing, { sessionId: s1, teamId: team.id, userId: a.userId });
    const retries = () => a.store.read((db) => db.get<{ retry_count: number }>('SELECT retry_count FROM sync_queue'))?.retry_count;
    for (const status of [502, 504] as const) {
      await server.setFaults({ errorRate: 1, errorStatus: status, paths: '^/api/(records|transaction)' });
      await a.engine.sync('test', { explicit: true });
      assert.strictEqual(a.engine.status().indicator.state, 'offline', `after a ${status}`);
      assert.strictEqual(retries(), 0, `a ${status} is not an attempt`);
    }
    await server.clearFaults();
    for (let i = 0; i < 100 && a.engine.status().indicator.state !== 'up-to-date'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(a.engine.status().indicator.state, 'up-to-date', 'the probe saw the server back and a run sent the change');
  });

  it('refuses a share into a team the user does not belong to at once, keeping the server\'s reason', async () => {
    const a = await on(alice.email);
    const carol = await userAccount(server, 'carol');
    const c = await machine(server, carol.email, undefined);
    open.push(c);
    const other = await createTeam(c.connection.client!, 'Other team');
    const [sessionId] = await completedSessions(a.store, 1, Date.parse('2026-06-01T08:00:00.000Z'));
    await shareSession(a.sharing, { sessionId, teamId: other.id, userId: a.userId });
    const result = await a.engine.sync('test', { explicit: true });
    assert.strictEqual(result.failed, 1);
    assert.strictEqual(result.pending, 0);
    const [failed] = a.engine.failedOperations();
    assert.strictEqual(failed.retryCount, 1, 'failed on the first attempt');
    assert.match(failed.lastError ?? '', /not allowed/);
    assert.strictEqual(a.engine.status().indicator.state, 'failed');
    assert.strictEqual(await a.engine.clearFailed(), 1);
  });

  for (const [strategy, localNewer, expected] of [
    ['LastWriteWins', true, 'local'],
    ['LastWriteWins', false, 'remote'],
    ['LocalWins', false, 'local'],
    ['RemoteWins', true, 'remote'],
    ['CustomMerge', true, 'local'],
  ] as [ConflictStrategy, boolean, 'local' | 'remote'][]) {
    it(`${strategy}: a remote change to a record with a pending ${localNewer ? 'newer' : 'older'} local edit keeps the ${expected} version`, async () => {
      let offset = 0;
      const skewed: Clock = { now: () => Date.now() + offset };
      const m1 = await on(alice.email);
      const file = tempDbFile();
      const m2 = await on(alice.email, { file, clock: skewed, settings: { conflictStrategy: strategy } });
      const [sessionId] = await completedSessions(m1.store, 1, Date.parse('2026-07-01T08:00:00.000Z') + Math.floor(Math.random() * 1e9));
      const shared = await shareSession(m1.sharing, { sessionId, teamId: team.id, userId: m1.userId });
      await m1.engine.sync('test');
      await m2.engine.sync('test');
      offset = localNewer ? 3_600_000 : -3_600_000;
      await updateSharedSession(m2.sharing, shared.localId, { actual_duration_seconds: 222 });
      await updateSharedSession(m1.sharing, shared.localId, { actual_duration_seconds: 111 });
      await m1.engine.sync('test');
      // The pull meets m2's edit while it is still queued (as after a failed push); then both sync.
      const pulled = await pullChanges({
        store: m2.store,
        queue: m2.engine.queue(),
        registry: createEntityRegistry(),
        client: m2.connection.client!,
        logger: silentLogger,
        strategy,
        userId: m2.userId,
        scope: 'conflict test',
        reader: 'test',
      });
      assert.ok(pulled.conflicts >= 1, 'the pull met the pending edit');
      await m2.engine.sync('test');
      await m1.engine.sync('test');
      const want = expected === 'local' ? 222 : 111;
      const server = await m1.connection.client!.records('shared_sessions', remoteShared).read(shared.localId);
      const row = (m: Machine) => m.store.read((db) => db.get<{ a: number }>('SELECT actual_duration_seconds AS a FROM shared_sessions WHERE id = ?', [shared.localId]))?.a;
      assert.deepStrictEqual([server.actual_duration_seconds, row(m1), row(m2)], [want, want, want]);
      assert.strictEqual(m2.engine.stats().pending, 0);
    });
  }
});

describe('sync engine against the demo server (npm run dev-server -- --demo)', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => (server = await startTestServer({ args: ['--demo'] })));
  after(async () => server?.stop());

  it('pulls the demo team with its members and sessions, and shares a new session into it', async () => {
    const a = await machine(server, 'alice@example.com', undefined, { password: 'focusflow-demo' });
    try {
      const first = await a.engine.sync('test');
      assert.ok(!first.error, first.error);
      const team = a.store.read((db) => db.get<{ id: string; name: string }>('SELECT id, name FROM teams'));
      assert.strictEqual(team?.name, 'Demo Team');
      assert.strictEqual(a.store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM members'))?.n, 2);
      assert.strictEqual(localShared(a).length, 12);

      const [sessionId] = await completedSessions(a.store, 1, Date.now() - 3_600_000);
      const shared = await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
      const result = await a.engine.sync('test');
      assert.deepStrictEqual([result.synced, result.failed, result.pending], [1, 0, 0]);
      assert.strictEqual(localShared(a).length, 13);
      assert.strictEqual(localShared(a).find((r) => r.id === shared.localId)?.sync_status, 'synced');
    } finally {
      await a.close();
    }
  });
});
