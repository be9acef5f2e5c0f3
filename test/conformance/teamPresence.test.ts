// "Focusing now" end to end: the Presence core of several signed-in users against the local server
// running the server kit, presence included, as a team deploys it; and
// against the kit without it (an older server), where presence quietly stays off.
import * as assert from 'assert';
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { uuidToBase64 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import { Presence, presenceId } from '../../src/core/team/presence';
import { startTestServer, type TestServer } from '../server/harness';
import { depotWithoutPresence } from '../unit/team/fixtures/presenceDepot';
import { signedInMachine, type Machine } from './teamFixtures';

interface Person extends Machine {
  presence: Presence;
  sharing: { on: boolean };
}

/** A signed-in machine with presence, whose sharing switch the test flips. */
async function person(server: TestServer, prefix: string, o: { fetch?: typeof fetch } = {}): Promise<Person> {
  const machine = await signedInMachine(server, prefix, undefined, o);
  const sharing = { on: false };
  const presence = new Presence({ connection: machine.connection, logger: silentLogger, clock: { now: () => Date.now() }, enabled: () => sharing.on, live: false });
  return {
    ...machine,
    presence,
    sharing,
    async close() {
      presence.dispose();
      await machine.close();
    },
  };
}

const localId = (p: Person) => p.teams.userId as string;

/** A fetch whose first presence write takes 400 ms longer on the wire (a slow socket, a retried request). */
function slowFirstPresenceWrite(): typeof fetch {
  let slowed = false;
  return async (input, init) => {
    if (!slowed && init?.method === 'POST' && String(input).endsWith('/api/records/v1/presence')) {
      slowed = true;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    return fetch(input, init);
  };
}

describe('teams: presence ("focusing now") against the local server', function () {
  this.timeout(30_000);
  let server: TestServer;
  const people: Person[] = [];
  const join = async (prefix: string, o: { fetch?: typeof fetch } = {}) => {
    const p = await person(server, prefix, o);
    people.push(p);
    return p;
  };

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const p of people) await p.close();
    await server?.stop();
  });

  it('shows a member as focusing only after they turned sharing on, until their session ends or they stop', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const team = await alice.teams.createTeam('Presence');
    await bob.teams.joinTeam(team.inviteCode);
    const until = Date.now() + 25 * 60_000;

    await alice.presence.publish(until);
    await bob.presence.refresh();
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), undefined, 'off by default: nothing was sent');

    alice.sharing.on = true;
    await alice.presence.publish(until);
    await bob.presence.refresh();
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), until);

    await alice.presence.publish(until + 60_000);
    await bob.presence.refresh();
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), until + 60_000, 'the same row, updated');

    await alice.presence.publish(null);
    await bob.presence.refresh();
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), undefined, 'paused or stopped: not focusing');

    // Soon, but far enough that a loaded machine still reads it before it falls due.
    const soon = Date.now() + 2_000;
    await alice.presence.publish(soon);
    await bob.presence.refresh();
    assert.ok(bob.presence.focusingUntil(localId(alice)));
    await new Promise((r) => setTimeout(r, soon + 100 - Date.now()));
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), undefined, 'a due time in the past means nothing, even unrefreshed');
  });

  it('switching teams while focusing moves the presence: the team left behind no longer shows it', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const first = await alice.teams.createTeam('Presence first');
    const second = await alice.teams.createTeam('Presence second');
    await bob.teams.joinTeam(first.inviteCode);
    await alice.teams.switchTeam(first.id);
    alice.sharing.on = true;
    const until = Date.now() + 25 * 60_000;
    await alice.presence.publish(until);
    await bob.presence.refresh();
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), until);

    await alice.teams.switchTeam(second.id);
    await alice.presence.publish(until);
    await bob.presence.refresh();
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), undefined, 'the first team no longer sees her focusing');
  });

  it('turning sharing off deletes what was sent; leaving the team takes it away too', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const team = await alice.teams.createTeam('Withdraw');
    await bob.teams.joinTeam(team.inviteCode);
    bob.sharing.on = true;
    await bob.presence.publish(Date.now() + 600_000);
    await alice.presence.refresh();
    assert.ok(alice.presence.focusingUntil(localId(bob)));

    bob.sharing.on = false;
    await bob.presence.withdraw();
    const rows = await alice.connection.client?.records('presence', z.unknown()).list({});
    assert.deepStrictEqual(rows?.records, [], 'no row left on the server');

    bob.sharing.on = true;
    await bob.presence.publish(Date.now() + 600_000);
    await bob.teams.leaveTeam();
    await alice.presence.refresh();
    assert.strictEqual(alice.presence.focusingUntil(localId(bob)), undefined);
  });

  it('shows the last word: a session cancelled right after it started is not "focusing", however slow the first write', async () => {
    const alice = await join('alice-quick', { fetch: slowFirstPresenceWrite() });
    const team = await alice.teams.createTeam('Quick');
    alice.sharing.on = true;
    await Promise.all([alice.presence.publish(Date.now() + 25 * 60_000), alice.presence.publish(null)]);
    const rows = await alice.connection.client!.records('presence', z.object({ focusing_until: z.number().nullable() })).list({ where: { team: uuidToBase64(team.id) } });
    assert.deepStrictEqual(rows.records.map((r) => r.focusing_until), [null]);
  });

  it('turning sharing off while a publish is on its way still leaves nothing on the server', async () => {
    const alice = await join('alice-optout', { fetch: slowFirstPresenceWrite() });
    await alice.teams.createTeam('Opt out');
    alice.sharing.on = true;
    const publishing = alice.presence.publish(Date.now() + 25 * 60_000);
    alice.sharing.on = false;
    await Promise.all([publishing, alice.presence.withdraw()]);
    const rows = await alice.connection.client!.records('presence', z.unknown()).list({});
    assert.deepStrictEqual(rows.records, []);
  });

  it('keeps the newest read: an older answer arriving late does not hide a teammate now focusing', async () => {
    const alice = await join('alice-late');
    let delayed = false;
    // Bob's first presence list is answered at once but reaches him 400 ms later.
    const lateFirstRead: typeof fetch = async (input, init) => {
      const reply = await fetch(input, init);
      if (!delayed && (init?.method ?? 'GET') === 'GET' && String(input).includes('/api/records/v1/presence?')) {
        delayed = true;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      return reply;
    };
    const bob = await join('bob-late', { fetch: lateFirstRead });
    const team = await alice.teams.createTeam('Late');
    await bob.teams.joinTeam(team.inviteCode);
    const older = bob.presence.refresh();
    await new Promise((resolve) => setTimeout(resolve, 100));
    alice.sharing.on = true;
    const until = Date.now() + 25 * 60_000;
    await alice.presence.publish(until);
    await bob.presence.refresh();
    await older;
    assert.strictEqual(bob.presence.focusingUntil(localId(alice)), until);
  });

  it('opens no live stream once disposed, even when a publish finishes afterwards', async () => {
    const carol = await join('carol');
    await carol.teams.createTeam('Closing');
    const presence = new Presence({ connection: carol.connection, logger: silentLogger, clock: { now: () => Date.now() }, enabled: () => true });
    await server.resetStats();
    const publishing = presence.publish(Date.now() + 600_000);
    presence.dispose();
    await publishing;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { requests } = await server.stats();
    assert.strictEqual(requests['POST /api/records/v1/presence'], 1, 'the publish itself went out');
    const streams = Object.entries(requests).filter(([route]) => route.includes('subscribe'));
    assert.deepStrictEqual(streams, [], 'no stream was opened after dispose');
  });

  it('only team members read it, and nobody writes it for someone else or into a team they are not in', async () => {
    const alice = await join('alice');
    const mallory = await join('mallory');
    const team = await alice.teams.createTeam('Guarded');
    alice.sharing.on = true;
    await alice.presence.publish(Date.now() + 600_000);

    const api = mallory.connection.client?.records('presence', z.unknown());
    assert.ok(api);
    assert.deepStrictEqual((await api.list({})).records, [], 'a non-member lists nothing');
    const forged = { id: uuidToBase64(presenceId(team.id, localId(alice))), team: uuidToBase64(team.id), user: alice.userId, focusing_until: 1 };
    await assert.rejects(api.create(forged), /not allowed/, 'writing as alice');
    await assert.rejects(api.create({ ...forged, id: uuidToBase64(presenceId(team.id, localId(mallory))), user: mallory.userId }), /not allowed/, 'writing into a foreign team');
    await alice.presence.refresh();
    assert.ok((alice.presence.focusingUntil(localId(alice)) ?? 0) > Date.now(), "alice's row is untouched");
  });
});

describe('teams: presence on a server kit without the presence API', function () {
  this.timeout(30_000);

  it('publishes and shows nothing, and never throws', async () => {
    const depot = depotWithoutPresence();
    const server = await startTestServer({ args: ['--depot', depot] });
    const alice = await person(server, 'alice');
    try {
      await alice.teams.createTeam('Older kit');
      alice.sharing.on = true;
      await alice.presence.publish(Date.now() + 600_000);
      await alice.presence.refresh();
      await alice.presence.withdraw();
      assert.strictEqual(alice.presence.focusingUntil(localId(alice)), undefined);
      const stats = await server.stats();
      assert.strictEqual(stats.requests['POST /api/records/v1/presence'], 1, 'asked once; after the 405 it stops asking');
      assert.strictEqual(stats.requests['GET /api/records/v1/presence'], undefined);
    } finally {
      await alice.close();
      await server.stop();
      rmSync(depot, { recursive: true, force: true });
    }
  });
});
