// The permission model of the server kit, enforced by the same rules and triggers a real TrailBase
// runs: every rule is exercised with a caller it must admit and one it must refuse.
import assert from 'node:assert/strict';
import { FetchError, initClient } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { clientId, createTeam, join, raw, sessionRecord, signedInUser, token, type SignedIn, type Team } from './helpers';

type Row = Record<string, unknown>;
const isStatus = (status: number) => (e: unknown) => e instanceof FetchError && e.status === status;

async function membership(u: SignedIn, team: Team, user: SignedIn): Promise<Row | undefined> {
  const res = await u.client.records('members').list({ filters: [{ column: 'team', value: team.id }, { column: 'user', value: user.id }] });
  return res.records[0] as Row | undefined;
}

describe('permissions: teams, members, joining, shared sessions', function () {
  let server: TestServer;
  let alice: SignedIn; // owner
  let bob: SignedIn; // member
  let carol: SignedIn; // in no team
  let dave: SignedIn; // member, promoted to admin
  let team: Team;
  let aliceSession: string;

  before(async () => {
    server = await startTestServer();
    [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((n) => signedInUser(server, n)));
    team = await createTeam(alice, 'Permissions');
    await join(bob, team);
    await join(dave, team);
    aliceSession = String(await alice.client.records('shared_sessions').create(sessionRecord(team, alice, 1)));
  });
  after(async () => server.stop());

  describe('teams', function () {
    it('any signed-in user creates a team and becomes its owner, server-side', async () => {
      const own = await createTeam(carol, 'Carol alone');
      assert.equal((await membership(carol, own, carol))?.role, 'owner');
      assert.match(own.invite_code, /^[0-9a-f]{18}$/, 'the server generates an invite code');
    });

    it('nobody creates a team in someone else\'s name, and anonymous callers create nothing', async () => {
      await assert.rejects(carol.client.records('teams').create({ name: 'Forged', created_by: alice.id }), isStatus(403));
      await assert.rejects(initClient(server.url).records('teams').create({ name: 'Anon' }), isStatus(403));
    });

    it('a non-member reads nothing: lists come back empty, single reads are 403', async () => {
      for (const api of ['teams', 'members', 'shared_sessions', 'team_activity']) {
        const res = await carol.client.records(api).list({ filters: [{ column: api === 'teams' ? 'id' : 'team', value: team.id }] });
        assert.deepEqual(res.records, [], api);
      }
      await assert.rejects(carol.client.records('teams').read(team.id), isStatus(403));
      await assert.rejects(carol.client.records('shared_sessions').read(aliceSession), isStatus(403));
    });

    it('members read the team, its members, every member\'s sessions and the activity', async () => {
      assert.equal(((await bob.client.records('teams').read(team.id)) as Row).name, 'Permissions');
      const members = await bob.client.records('members').list({ filters: [{ column: 'team', value: team.id }] });
      assert.equal(members.records.length, 3);
      assert.equal(((await bob.client.records('shared_sessions').read(aliceSession)) as Row).user, alice.id);
      const activity = await bob.client.records('team_activity').list({ filters: [{ column: 'team', value: team.id }] });
      const aliceRow = (activity.records as Row[]).find((r) => r.user === alice.id);
      assert.equal(aliceRow?.session_count, 1);
      assert.equal(aliceRow?.focus_seconds, 1500);
    });

    it('only owners and admins rename the team or rotate its invite code; only owners delete it', async () => {
      await assert.rejects(bob.client.records('teams').update(team.id, { name: 'Bob\'s now' }), isStatus(403));
      await alice.client.records('teams').update(team.id, { name: 'Renamed' });
      assert.equal(((await bob.client.records('teams').read(team.id)) as Row).name, 'Renamed');
      await assert.rejects(bob.client.records('teams').delete(team.id), isStatus(403));
      await assert.rejects(alice.client.records('teams').update(team.id, { created_by: bob.id }), isStatus(403));
    });

    it('a creator who lost their role cannot rewrite the team or choose its invite code through a create with its id', async () => {
      const t = await createTeam(alice, 'Handover');
      await join(bob, t);
      await alice.client.records('members').update(String((await membership(alice, t, bob))?.id), { role: 'owner' });
      await bob.client.records('members').delete(String((await membership(bob, t, alice))?.id));
      const rewrite = { id: t.id, name: 'Mine again', created_by: alice.id, invite_code: 'chosen-by-alice-1' };
      await assert.rejects(alice.client.records('teams').create(rewrite), isStatus(403));
      const kept = (await bob.client.records('teams').read(t.id)) as Row;
      assert.equal(kept.name, 'Handover');
      assert.equal(kept.invite_code, t.invite_code);
      await assert.rejects(join(alice, { ...t, invite_code: 'chosen-by-alice-1' }), isStatus(400));
    });
  });

  describe('joining by invite code', function () {
    it('a wrong invite code is refused (400) and grants nothing', async () => {
      await assert.rejects(carol.client.records('join_requests').create({ invite_code: 'wrong-code-123456' }), isStatus(400));
      assert.deepEqual((await carol.client.records('teams').list()).records.filter((t) => (t as Row).id === team.id), []);
    });

    it('memberships cannot be created directly, nor a join made for someone else or into a named team', async () => {
      await assert.rejects(carol.client.records('members').create({ team: team.id, user: carol.id, role: 'member' }), isStatus(403));
      await assert.rejects(carol.client.records('join_requests').create({ invite_code: team.invite_code, user: bob.id }), isStatus(403));
      await assert.rejects(carol.client.records('join_requests').create({ invite_code: team.invite_code, team: team.id }), isStatus(403));
    });

    it('the right code makes you a plain member and tells you the team', async () => {
      const outsider = await signedInUser(server, 'erin');
      const id = await outsider.client.records('join_requests').create({ invite_code: team.invite_code });
      assert.equal(((await outsider.client.records('join_requests').read(id)) as Row).team, team.id);
      assert.equal((await membership(outsider, team, outsider))?.role, 'member');
      // Joining again is harmless.
      await outsider.client.records('join_requests').create({ invite_code: team.invite_code });
      await assert.rejects(bob.client.records('join_requests').read(id), isStatus(403), 'join requests are private');
    });

    it('a rotated invite code stops the old one from working', async () => {
      const rotate = await createTeam(alice, 'Rotation');
      const old = rotate.invite_code;
      await assert.rejects(bob.client.records('teams').update(rotate.id, { invite_code: 'bob-wants-a-code' }), isStatus(403));
      await alice.client.records('teams').update(rotate.id, { invite_code: 'fresh-invite-code-42' });
      await assert.rejects(carol.client.records('join_requests').create({ invite_code: old }), isStatus(400));
      await carol.client.records('join_requests').create({ invite_code: 'fresh-invite-code-42' });
      assert.equal((await membership(carol, rotate, carol))?.role, 'member');
    });
  });

  describe('roles', function () {
    it('nobody raises their own role', async () => {
      const own = await membership(bob, team, bob);
      await assert.rejects(bob.client.records('members').update(String(own?.id), { role: 'owner' }), isStatus(403));
      await assert.rejects(bob.client.records('members').update(String(own?.id), { role: 'admin' }), isStatus(403));
      assert.equal((await membership(bob, team, bob))?.role, 'member');
    });

    it('a member neither changes others\' roles nor removes anyone', async () => {
      const daveRow = await membership(bob, team, dave);
      await assert.rejects(bob.client.records('members').update(String(daveRow?.id), { role: 'admin' }), isStatus(403));
      await assert.rejects(bob.client.records('members').delete(String(daveRow?.id)), isStatus(403));
      const aliceRow = await membership(bob, team, alice);
      await assert.rejects(bob.client.records('members').delete(String(aliceRow?.id)), isStatus(403));
    });

    it('the owner promotes; an admin then manages members but can neither make owners nor touch owners', async () => {
      const daveRow = await membership(alice, team, dave);
      await alice.client.records('members').update(String(daveRow?.id), { role: 'admin' });
      const bobRow = await membership(dave, team, bob);
      await assert.rejects(dave.client.records('members').update(String(bobRow?.id), { role: 'owner' }), isStatus(403));
      const aliceRow = await membership(dave, team, alice);
      await assert.rejects(dave.client.records('members').update(String(aliceRow?.id), { role: 'member' }), isStatus(403));
      await assert.rejects(dave.client.records('members').delete(String(aliceRow?.id)), isStatus(403));
      await assert.rejects(dave.client.records('members').update(String(daveRow?.id), { role: 'owner' }), isStatus(403));
      await dave.client.records('members').update(String(bobRow?.id), { role: 'admin' });
      await dave.client.records('members').update(String(bobRow?.id), { role: 'member' });
      assert.equal((await membership(alice, team, bob))?.role, 'member');
    });

    it('a membership cannot be moved to another user or team (the trigger refuses; TrailBase answers a failed update 500)', async () => {
      const bobRow = await membership(alice, team, bob);
      await assert.rejects(alice.client.records('members').update(String(bobRow?.id), { user: carol.id }), isStatus(500));
      assert.equal((await membership(alice, team, bob))?.id, bobRow?.id);
    });

    it('the last owner cannot leave; once another owner exists, they can', async () => {
      const t = await createTeam(alice, 'Succession');
      await join(bob, t);
      const aliceRow = await membership(alice, t, alice);
      await assert.rejects(alice.client.records('members').delete(String(aliceRow?.id)), isStatus(400));
      const bobRow = await membership(alice, t, bob);
      await alice.client.records('members').update(String(bobRow?.id), { role: 'owner' });
      await alice.client.records('members').delete(String(aliceRow?.id));
      assert.deepEqual((await alice.client.records('teams').list({ filters: [{ column: 'id', value: t.id }] })).records, []);
      assert.equal((await membership(bob, t, bob))?.role, 'owner');
    });

    it('a member may leave, and a removed member loses access at once', async () => {
      const t = await createTeam(alice, 'Leaving');
      await join(carol, t);
      await join(bob, t);
      await carol.client.records('members').delete(String((await membership(carol, t, carol))?.id));
      await alice.client.records('members').delete(String((await membership(alice, t, bob))?.id));
      for (const u of [bob, carol]) {
        assert.deepEqual((await u.client.records('teams').list({ filters: [{ column: 'id', value: t.id }] })).records, []);
      }
    });
  });

  describe('shared sessions', function () {
    it('a member writes only their own sessions', async () => {
      await assert.rejects(bob.client.records('shared_sessions').update(aliceSession, { completed: false }), isStatus(403));
      await assert.rejects(bob.client.records('shared_sessions').delete(aliceSession), isStatus(403));
      await assert.rejects(bob.client.records('shared_sessions').create(sessionRecord(team, alice, 2)), isStatus(403));
      const mine = await bob.client.records('shared_sessions').create(sessionRecord(team, bob, 3));
      await bob.client.records('shared_sessions').update(mine, { completed: false });
    });

    it('nobody shares into a team they are not in, or moves a session to another team', async () => {
      await assert.rejects(carol.client.records('shared_sessions').create(sessionRecord(team, carol, 4)), isStatus(403));
      const other = await createTeam(bob, 'Bob elsewhere');
      const mine = String(await bob.client.records('shared_sessions').create(sessionRecord(team, bob, 5)));
      await assert.rejects(bob.client.records('shared_sessions').update(mine, { team: other.id }), isStatus(403));
    });

    it('a create that reuses someone else\'s record id cannot take their row over', async () => {
      const own = await createTeam(carol, 'Carol hijack');
      const hijack = { ...sessionRecord(own, carol, 6), id: aliceSession };
      await assert.rejects(carol.client.records('shared_sessions').create(hijack), isStatus(403));
      const sameTeam = { ...sessionRecord(team, bob, 7), id: aliceSession };
      await assert.rejects(bob.client.records('shared_sessions').create(sameTeam), isStatus(403));
      assert.equal(((await alice.client.records('shared_sessions').read(aliceSession)) as Row).user, alice.id);
    });

    it('a session of a member who was removed stays readable to the team but not to them', async () => {
      const t = await createTeam(alice, 'After removal');
      await join(carol, t);
      const s = String(await carol.client.records('shared_sessions').create(sessionRecord(t, carol, 8)));
      await alice.client.records('members').delete(String((await membership(alice, t, carol))?.id));
      assert.equal(((await alice.client.records('shared_sessions').read(s)) as Row).user, carol.id);
      await assert.rejects(carol.client.records('shared_sessions').read(s), isStatus(403));
      await assert.rejects(carol.client.records('shared_sessions').update(s, { deleted: true }), isStatus(403));
    });

    it('deleting a team takes its memberships and sessions with it', async () => {
      const t = await createTeam(alice, 'Short-lived');
      const s = String(await alice.client.records('shared_sessions').create(sessionRecord(t, alice, 9)));
      await alice.client.records('teams').delete(t.id);
      await assert.rejects(alice.client.records('shared_sessions').read(s), isStatus(403));
      const res = await raw(server, `/api/records/v1/members?filter[team]=${encodeURIComponent(t.id)}`, { token: token(alice) });
      assert.deepEqual(((await res.json()) as { records: unknown[] }).records, []);
    });

    it('record ids are checked: a non-UUIDv7 id is a constraint violation (400)', async () => {
      const v4 = Buffer.from(clientId().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      v4[6] = 0x40 | (v4[6] & 0x0f);
      const id = v4.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      await assert.rejects(alice.client.records('shared_sessions').create({ ...sessionRecord(team, alice, 10), id }), isStatus(400));
    });
  });
});
