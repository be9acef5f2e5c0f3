// Team permission paths end to end: the team core (TeamService) of several signed-in users, each
// with its own database file, against the local TrailBase-compatible server running the server kit.
import * as assert from 'assert';
import { z } from 'zod';
import { TeamError, type TeamErrorCode } from '../../src/core/team/teamErrors';
import { startTestServer, type TestServer } from '../server/harness';
import { signedInMachine, type Machine } from './teamFixtures';


async function refused(code: TeamErrorCode, action: Promise<unknown>): Promise<TeamError> {
  try {
    await action;
  } catch (err) {
    assert.ok(err instanceof TeamError, `expected a TeamError "${code}", got ${String(err)}`);
    assert.strictEqual(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected a refusal "${code}", but it succeeded`);
}

/** The role the person's local copy holds for `email`'s membership. */
const roleOf = (p: Machine, email: string) => p.store.read((db) => db.get<{ role: string }>('SELECT role FROM members WHERE email = ?', [email]))?.role;
const idOf = (p: Machine): string => {
  const s = p.connection.state;
  assert.ok(s.status === 'connected');
  return s.connection.userId;
};

/** What the server itself says, read as the given person. */
async function serverMembers(p: Machine, teamId: string): Promise<{ email: string | null; role: string }[]> {
  const { members } = await p.teams.members(teamId);
  return members.map((m) => ({ email: m.email, role: m.role }));
}

describe('teams: permission paths against the local server', function () {
  this.timeout(30_000);
  let server: TestServer;
  const people: Machine[] = [];
  const join = async (prefix: string) => {
    const p = await signedInMachine(server, prefix);
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

  it('creating a team makes the creator its owner, its active team, and shows it locally at once', async () => {
    const alice = await join('alice');
    const team = await alice.teams.createTeam('  Platform <b>crew</b>  ');
    assert.strictEqual(team.name, 'Platform <b>crew</b>', 'trimmed, otherwise kept as typed');
    assert.strictEqual(team.role, 'Owner');
    assert.strictEqual(team.active, true);
    assert.match(team.inviteCode, /^.{12,64}$/);
    assert.strictEqual(alice.connection.state.status === 'connected' && alice.connection.state.connection.teamId, team.id);
    assert.deepStrictEqual(await serverMembers(alice, team.id), [{ email: alice.email, role: 'Owner' }]);
    await refused('bad-input', alice.teams.createTeam('   '));
  });

  it('joins with the right code as a member; a wrong code is refused with a clear message and joins nothing', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const team = await alice.teams.createTeam('Joiners');
    const wrong = await refused('wrong-code', bob.teams.joinTeam('0123456789abcdef0123'));
    assert.match(wrong.message, /No team has the invite code "0123456789abcdef0123"/);
    await refused('wrong-code', bob.teams.joinTeam('short'));
    assert.deepStrictEqual(bob.teams.teams(), []);

    const joined = await bob.teams.joinTeam(` ${team.inviteCode} `);
    assert.strictEqual(joined.id, team.id);
    assert.strictEqual(joined.role, 'Member');
    assert.strictEqual(joined.active, true);
    assert.deepStrictEqual(await serverMembers(alice, team.id), [
      { email: alice.email, role: 'Owner' },
      { email: bob.email, role: 'Member' },
    ]);
    assert.strictEqual(roleOf(bob, alice.email), 'Owner', "bob's local copy knows alice by email");
  });

  it('a member cannot rotate the code, remove anyone or promote anyone: the server refuses, nothing changes', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const carol = await join('carol');
    const team = await alice.teams.createTeam('Strict');
    await bob.teams.joinTeam(team.inviteCode);
    await carol.teams.joinTeam(team.inviteCode);
    await server.resetStats();

    const rotate = await refused('forbidden', bob.teams.rotateInviteCode());
    assert.match(rotate.message, /Only owners and admins of "Strict"/);
    await refused('forbidden', bob.teams.removeMember({ userId: idOf(carol) }));
    await refused('forbidden', bob.teams.changeMemberRole({ userId: idOf(carol) }, 'admin'));
    await refused('self', bob.teams.changeMemberRole({ userId: idOf(bob) }, 'owner'));

    const requests = (await server.stats()).requests;
    assert.strictEqual(requests['PATCH /api/records/v1/teams/:id'], 1, 'the rotation reached the server and was refused there');
    assert.strictEqual(requests['DELETE /api/records/v1/members/:id'], 1);
    assert.strictEqual(requests['PATCH /api/records/v1/members/:id'], 1);
    assert.strictEqual((await alice.teams.inviteCode(team.id)).inviteCode, team.inviteCode);
    assert.deepStrictEqual(
      (await serverMembers(alice, team.id)).map((m) => m.role),
      ['Owner', 'Member', 'Member'],
    );
  });

  it('an admin rotates the code, promotes and removes members, but cannot make an owner or touch the owner', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const carol = await join('carol');
    const dave = await join('dave');
    const team = await alice.teams.createTeam('Admins');
    for (const p of [bob, carol, dave]) await p.teams.joinTeam(team.inviteCode);
    const promoted = await alice.teams.changeMemberRole({ userId: idOf(bob) }, 'admin');
    assert.strictEqual(promoted.role, 'Admin');
    assert.strictEqual(roleOf(alice, bob.email), 'Admin', "alice's local copy updated at once");

    const rotated = await bob.teams.rotateInviteCode();
    assert.notStrictEqual(rotated.inviteCode, team.inviteCode);
    await refused('wrong-code', (await join('eve')).teams.joinTeam(team.inviteCode));
    assert.strictEqual((await alice.teams.inviteCode()).inviteCode, rotated.inviteCode, 'the owner sees the new code');

    const carolMember = (await bob.teams.members()).members.find((m) => m.email === carol.email);
    assert.ok(carolMember);
    assert.strictEqual((await bob.teams.changeMemberRole({ memberId: carolMember.id }, 'Admin')).role, 'Admin');
    await refused('forbidden', bob.teams.changeMemberRole({ memberId: carolMember.id }, 'owner'));
    await refused('forbidden', bob.teams.removeMember({ userId: idOf(alice) }));
    await refused('forbidden', bob.teams.changeMemberRole({ userId: idOf(alice) }, 'member'));

    const removed = await bob.teams.removeMember({ userId: idOf(dave) });
    assert.strictEqual(removed.email, dave.email);
    assert.deepStrictEqual(
      (await serverMembers(alice, team.id)).map((m) => `${m.email}:${m.role}`),
      [`${alice.email}:Owner`, `${bob.email}:Admin`, `${carol.email}:Admin`],
    );
    assert.strictEqual(roleOf(bob, dave.email), undefined, "dave is gone from bob's local copy");
    assert.deepStrictEqual((await dave.teams.members(team.id)).members, [], 'dave, removed, reads no one');
  });

  it('the last owner cannot leave, with the reason; once someone else is owner, they can', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const solo = await alice.teams.createTeam('Solo');
    const alone = await refused('last-owner', alice.teams.leaveTeam(solo.id));
    assert.match(alone.message, /only member of "Solo".*always keeps an owner/);
    assert.strictEqual(alone.teamId, solo.id, 'the refusal names its team, so its next step opens that team');

    const team = await alice.teams.createTeam('Handover');
    await bob.teams.joinTeam(team.inviteCode);
    const last = await refused('last-owner', alice.teams.leaveTeam(team.id));
    assert.match(last.message, /last owner of "Handover".*Make another member owner first/);
    assert.strictEqual(last.teamId, team.id);
    assert.deepStrictEqual(alice.teams.teams().map((t) => t.name).sort(), ['Handover', 'Solo'], 'still in the team');

    await alice.teams.changeMemberRole({ userId: idOf(bob) }, 'owner');
    await bob.teams.changeMemberRole({ userId: idOf(alice) }, 'member');
    await refused('last-owner', bob.teams.leaveTeam(team.id));

    // alice is a member now and bob the last owner; alice leaves freely and her local copy forgets the team.
    const left = await alice.teams.leaveTeam(team.id);
    assert.strictEqual(left.name, 'Handover');
    assert.deepStrictEqual(alice.teams.teams().map((t) => t.name), ['Solo']);
    assert.strictEqual(left.activeTeamId, solo.id, 'the active team moves to one she still has');
    assert.deepStrictEqual((await serverMembers(bob, team.id)).map((m) => m.email), [bob.email]);
  });

  it('a non-member reads nothing of a team: no members, no invite code, cannot switch to it', async () => {
    const alice = await join('alice');
    const mallory = await join('mallory');
    const team = await alice.teams.createTeam('Private');
    assert.deepStrictEqual((await mallory.teams.members(team.id)).members, []);
    await refused('no-team', mallory.teams.inviteCode(team.id));
    await refused('no-team', mallory.teams.switchTeam(team.id));
    await refused('no-team', mallory.teams.rotateInviteCode());
    const raw = await mallory.connection.client?.records('teams', z.unknown()).list({});
    assert.deepStrictEqual(raw?.records, []);
  });

  it('switches between two teams; the active team is kept in the connection row', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const first = await alice.teams.createTeam('First');
    const second = await alice.teams.createTeam('Second');
    await bob.teams.joinTeam(first.inviteCode);
    await bob.teams.joinTeam(second.inviteCode);
    assert.deepStrictEqual(bob.teams.teams().map((t) => [t.name, t.active]), [['Second', true], ['First', false]]);

    const switched = await bob.teams.switchTeam(first.id);
    assert.strictEqual(switched.name, 'First');
    assert.deepStrictEqual(bob.teams.teams().map((t) => [t.name, t.active]), [['First', true], ['Second', false]]);
    const row = bob.store.read((db) => db.get<{ team_id: string }>('SELECT team_id FROM team_connection'));
    assert.strictEqual(row?.team_id, first.id);

    // A team joined on another machine is not known locally yet: switching asks the server.
    const third = await alice.teams.createTeam('Third');
    const laptop = await signedInMachine(server, 'unused', bob.email);
    people.push(laptop);
    await laptop.teams.joinTeam(third.inviteCode);
    assert.ok(!bob.teams.teams().some((t) => t.id === third.id));
    assert.strictEqual((await bob.teams.switchTeam(third.id)).name, 'Third');
    assert.strictEqual(bob.teams.activeTeamId, third.id);
  });
});

describe('teams: members while the server is unreachable', function () {
  this.timeout(30_000);

  it('answers from the local copy, and says so', async () => {
    const server = await startTestServer();
    const alice = await signedInMachine(server, 'alice');
    try {
      const bob = await signedInMachine(server, 'bob');
      const team = await alice.teams.createTeam('Offline');
      await bob.teams.joinTeam(team.inviteCode);
      await bob.close();
      const online = await alice.teams.members();
      assert.strictEqual(online.source, 'server');
      assert.strictEqual(online.members.length, 2);
      await server.stop();
      const offline = await alice.teams.members();
      assert.strictEqual(offline.source, 'local');
      assert.deepStrictEqual(offline.members, online.members);
      assert.strictEqual((await alice.teams.inviteCode()).inviteCode, team.inviteCode, 'the invite code too');
    } finally {
      await alice.close();
      await server.stop();
    }
  });
});
