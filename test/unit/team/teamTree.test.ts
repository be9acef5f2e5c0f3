// The Team view's content, built from a real database file seeded the way sync leaves it.
import * as assert from 'assert';
import { uuidv7 } from '../../../src/core/ids';
import { silentLogger } from '../../../src/core/logger';
import { Store } from '../../../src/core/store';
import { memberNodes, sessionNodes, teamNodes, type MemberNode, type TeamNode, type TeamViewer } from '../../../src/core/team/teamTree';
import { present, presentMember, presentTeam } from '../../../src/core/team/teamTreeLabels';
import { tempDbFile } from '../../support/bundleScript';
import { FakeClock } from '../focus/fakeClock';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

const HOSTILE = '<img src=x onerror=alert(1)>';

interface Seeded {
  store: Store;
  team: string;
  other: string;
  users: Record<'owner' | 'admin' | 'member' | 'quiet', string>;
}

async function seed(clock: FakeClock): Promise<Seeded> {
  const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
  const team = uuidv7();
  const other = uuidv7();
  const users = { owner: uuidv7(), admin: uuidv7(), member: uuidv7(), quiet: uuidv7() };
  const at = (minutesAgo: number) => new Date(clock.now() - minutesAgo * 60_000).toISOString();
  await store.write((db) => {
    const addTeam = (id: string, name: string) =>
      db.run('INSERT INTO teams (id, remote_id, name, invite_code, created_by, created_at, last_modified) VALUES (?, NULL, ?, ?, ?, ?, ?)', [
        id, name, 'abcdefabcdefabcdef', users.owner, at(0), at(0),
      ]);
    addTeam(team, HOSTILE);
    addTeam(other, 'Another team');
    const addMember = (teamId: string, user: string, role: string, email: string | null) =>
      db.run('INSERT INTO members (id, remote_id, team_id, user_id, role, email, joined_at, last_modified) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)', [
        uuidv7(), teamId, user, role, email, at(0), at(0),
      ]);
    addMember(team, users.member, 'Member', 'zed@example.com');
    addMember(team, users.admin, 'Admin', 'bea@example.com');
    addMember(team, users.owner, 'Owner', 'ann@example.com');
    addMember(team, users.quiet, 'Member', null);
    addMember(other, users.admin, 'Owner', 'bea@example.com');
    const share = (teamId: string, user: string, startedMinutesAgo: number, minutes: number | null, completed: boolean, status = 'synced') =>
      db.run(
        `INSERT INTO shared_sessions (id, local_session_id, remote_session_id, team_id, user_id, start_time, end_time,
           planned_duration_minutes, actual_duration_seconds, completed, shared_at, last_modified, sync_status)
         VALUES (?, ?, NULL, ?, ?, ?, ?, 25, ?, ?, 0, ?, ?)`,
        [uuidv7(), uuidv7(), teamId, user, at(startedMinutesAgo), minutes === null ? null : at(startedMinutesAgo - minutes),
          minutes === null ? null : minutes * 60, completed ? 1 : 0, at(0), status],
      );
    share(team, users.member, 3 * 60 + 25, 25, true); // ended 3 h ago
    share(team, users.member, 2 * 24 * 60, 10, false);
    share(team, users.admin, 26 * 60, 25, true); // ended yesterday
    share(other, users.admin, 5, 5, true); // another team's session does not count here
    for (let i = 0; i < 12; i++) share(team, users.owner, 60 * 24 * (i + 1), 25, true);
    // Shares the server refused never reached the team: they show nowhere in its view.
    share(team, users.member, 40, 25, true, 'failed');
    share(team, users.quiet, 60, 25, true, 'failed');
  });
  return { store, team, other, users };
}

describe('team tree', () => {
  const clock = new FakeClock();
  let s: Seeded;
  before(async () => {
    s = await seed(clock);
  });
  after(() => s.store.close());

  const tree = (viewer: TeamViewer) => {
    const teams = s.store.read((db) => teamNodes(db, viewer));
    const team = teams.find((t) => t.teamId === s.team) as TeamNode;
    const members = s.store.read((db) => memberNodes(db, viewer, team));
    return { teams, team, members };
  };

  it('lists the viewer’s teams, the active one first and expanded, with role and member count', () => {
    const { teams } = tree({ userId: s.users.admin, activeTeamId: s.other });
    assert.deepStrictEqual(
      teams.map((t) => [t.name, t.role, t.active, t.memberCount]),
      [['Another team', 'Owner', true, 1], [HOSTILE, 'Admin', false, 4]],
    );
    const [active, inactive] = teams.map((t) => presentTeam(t));
    assert.strictEqual(active.collapsible, 'expanded');
    assert.strictEqual(active.description, 'active · Owner · 1 member');
    assert.strictEqual(inactive.collapsible, 'collapsed');
    assert.strictEqual(inactive.label, HOSTILE, 'a hostile name is the label text as typed');
    assert.deepStrictEqual(s.store.read((db) => teamNodes(db, { userId: uuidv7() })), [], 'someone in no team sees none');
  });

  it('orders members owner, admins, members (by email, unknown emails last) and marks the viewer', () => {
    const { members } = tree({ userId: s.users.member, activeTeamId: s.team });
    const now = { nowMs: clock.now() };
    assert.deepStrictEqual(
      members.map((m) => presentMember(m, now).label),
      ['ann@example.com', 'bea@example.com', 'zed@example.com (you)', `User ${s.users.quiet.slice(0, 8)}`],
    );
  });

  it('gives context values by role and by what the viewer may do', () => {
    const contextValues = (viewer: string) => {
      const { team, members } = tree({ userId: viewer, activeTeamId: s.team });
      return [presentTeam(team).contextValue, ...members.map((m) => presentMember(m, { nowMs: clock.now() }).contextValue)];
    };
    assert.deepStrictEqual(contextValues(s.users.owner), [
      'team.owner.manageable.active',
      'member.self.owner',
      'member.manageable.admin',
      'member.manageable.member',
      'member.manageable.member',
    ]);
    assert.deepStrictEqual(contextValues(s.users.admin), [
      'team.admin.manageable.active',
      'member.readonly.owner',
      'member.self.admin',
      'member.manageable.member',
      'member.manageable.member',
    ]);
    assert.deepStrictEqual(contextValues(s.users.member), [
      'team.member.active',
      'member.readonly.owner',
      'member.readonly.admin',
      'member.self.member',
      'member.readonly.member',
    ]);
  });

  it('shows each member’s role and when they were last active, from their shared sessions in this team', () => {
    const { members } = tree({ userId: s.users.owner, activeTeamId: s.team });
    const descriptions = members.map((m) => presentMember(m, { nowMs: clock.now() }).description);
    assert.deepStrictEqual(descriptions, [
      'Owner · last active 23 h ago',
      'Admin · last active yesterday',
      'Member · last active 3 h ago',
      'Member · no shared sessions yet',
    ]);
    const later = presentMember(members[2], { nowMs: clock.now() + 3 * 24 * 3600_000 });
    assert.strictEqual(later.description, 'Member · last active 3 days ago', 'the same data read three days later');
    assert.strictEqual(later.accessibilityLabel, 'zed@example.com, Member, last active 3 days ago');
    assert.strictEqual(presentMember(members[3], { nowMs: clock.now() }).collapsible, 'none', 'nothing to expand without sessions');
  });

  it('lists a member’s ten newest shared sessions with length and outcome', () => {
    const { members } = tree({ userId: s.users.owner, activeTeamId: s.team });
    const byEmail = (email: string) => members.find((m) => m.email === email) as MemberNode;
    const owner = s.store.read((db) => sessionNodes(db, byEmail('ann@example.com')));
    assert.strictEqual(owner.length, 10, 'ten of twelve');
    assert.ok(owner.every((n, i) => i === 0 || n.startTime < owner[i - 1].startTime), 'newest first');
    const zed = s.store.read((db) => sessionNodes(db, byEmail('zed@example.com'))).map((n) => present(n, { nowMs: clock.now(), timeZone: 'UTC' }));
    assert.deepStrictEqual(
      zed.map((p) => [p.label, p.description, p.icon]),
      [
        ['Mon 2 Mar, 05:35', '25 min · completed', 'pass'],
        ['Sat 28 Feb, 09:00', '10 min · stopped early', 'circle-slash'],
      ],
    );
    assert.strictEqual(zed[0].contextValue, 'session');
  });
});
