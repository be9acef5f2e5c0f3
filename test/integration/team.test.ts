// The Team view and team commands in a real VS Code host, against the local TrailBase-compatible
// server: what the view shows for a seeded team, context values by role, and the context keys that pick
// the welcome content (not connected / connected in no team / in a team).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { z } from 'zod';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import type { TeamSummary } from '../../src/core/team/teams';
import { TrailBaseClient } from '../../src/core/trailbase';
import type { TeamViewItem, TeamViewProbe } from '../../src/ui/team';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';
import { activateExtension, answerQuickPick, waitFor } from './helpers';
import { MemoryTokenStore } from '../support/memoryTokenStore';

const PASSWORD = 'focusflow-it-password';
const HOSTILE = '<img src=x onerror=alert(1)>';

/** A teammate on another machine, driven through the client directly. */
async function teammate(server: TestServer, email: string): Promise<TrailBaseClient> {
  await server.createVerifiedUser(email, PASSWORD);
  const client = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger });
  await client.login(email, PASSWORD);
  return client;
}

const newId = () => uuidToBase64(uuidv7());

describe('Team view in a real VS Code host', function () {
  this.timeout(30_000);
  let server: TestServer;
  let view: TeamViewProbe;
  let bob: TrailBaseClient;
  let run = 0;
  const email = (who: string) => `it-team-${who}-${Date.now()}-${++run}@example.com`;
  const keys = () => view.contextKeys();
  const items = (parent?: TeamViewItem) => view.items(parent);
  const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

  before(async () => {
    const { api } = await activateExtension();
    view = api.teamView() ?? assert.fail('the extension exposes no Team view');
    server = await startTestServer();
    await command('focusflow.disconnectTeam', { force: true });
  });

  after(async () => {
    if (!server) return; // before() failed before starting it
    await command('focusflow.disconnectTeam', { force: true });
    bob?.dispose();
    await server.stop();
  });

  it('not connected: only the Connect welcome applies, and the view is empty', async () => {
    await waitFor('the connection keys', () => keys()['focusflow.connected'] === false);
    assert.deepStrictEqual(keys(), { 'focusflow.connected': false, 'focusflow.restoring': false, 'focusflow.hasTeam': false, 'focusflow.canManageTeam': false });
    assert.deepStrictEqual(items(), []);
  });

  it('connected in no team: the Create/Join welcome applies; creating a team fills the view with it', async () => {
    const alice = email('alice');
    await server.createVerifiedUser(alice, PASSWORD);
    await command('focusflow.connectTeam', { serverUrl: server.url, credentials: { email: alice, password: PASSWORD } });
    await waitFor('connected keys', () => keys()['focusflow.connected'] === true);
    assert.deepStrictEqual(keys(), { 'focusflow.connected': true, 'focusflow.restoring': false, 'focusflow.hasTeam': false, 'focusflow.canManageTeam': false });
    assert.deepStrictEqual(items(), []);

    const team = await command<TeamSummary>('focusflow.createTeam', { name: HOSTILE });
    assert.ok(team, 'createTeam resolved to the team');
    assert.strictEqual(team.role, 'Owner');
    assert.deepStrictEqual(keys(), { 'focusflow.connected': true, 'focusflow.restoring': false, 'focusflow.hasTeam': true, 'focusflow.canManageTeam': true });
    const [teamItem] = items();
    assert.strictEqual(teamItem.label, HOSTILE, 'the name is the label text, as typed');
    assert.strictEqual(teamItem.contextValue, 'team.owner.manageable.active');
    assert.deepStrictEqual(items(teamItem).map((m) => [m.label, m.contextValue]), [[`${alice} (you)`, 'member.self.owner']]);

    // A teammate joins and shares a session on their machine; it shows up here without any command.
    const bobEmail = email('bob');
    bob = await teammate(server, bobEmail);
    await bob.records('join_requests', z.unknown()).create({ id: newId(), invite_code: team.inviteCode });
    const start = new Date(Date.now() - 2 * 3600_000);
    await bob.records('shared_sessions', z.unknown()).create({
      id: newId(),
      team: uuidToBase64(team.id),
      user: bob.user?.id,
      local_session_id: 'it-session-1',
      start_time: start.toISOString(),
      end_time: new Date(start.getTime() + 25 * 60_000).toISOString(),
      planned_duration_minutes: 25,
      actual_duration_seconds: 1500,
      completed: 1,
      last_modified: start.toISOString(),
      deleted: 0,
    });
    const bobItem = await waitFor(
      "bob's shared session in the view",
      () => items(items()[0]).find((m) => m.label === bobEmail && m.expandable),
      { timeoutMs: 10_000 },
    );
    assert.strictEqual(bobItem.contextValue, 'member.manageable.member');
    assert.strictEqual(bobItem.description, 'Member · last active 1 h ago');
    const sessions = items(bobItem);
    assert.strictEqual(sessions.length, 1);
    assert.strictEqual(sessions[0].description, '25 min · completed');
    assert.strictEqual(sessions[0].contextValue, 'session');

    // The owner promotes bob: his row says so at once.
    await command('focusflow.changeMemberRole', { userId: bob.user?.id, role: 'admin' });
    const promoted = items(items()[0]).find((m) => m.label === bobEmail);
    assert.strictEqual(promoted?.contextValue, 'member.manageable.admin');
  });

  it('as a plain member of the active team: read-only rows, no management keys; switching back restores them', async () => {
    const created = await bob.records('teams', z.unknown()).create({ id: newId(), name: "Bob's team", created_by: bob.user?.id });
    const code = (await bob.records('teams', z.object({ invite_code: z.string() })).read(created)).invite_code;
    const joined = await command<TeamSummary>('focusflow.joinTeam', { inviteCode: code });
    assert.strictEqual(joined?.role, 'Member');
    assert.deepStrictEqual(keys(), { 'focusflow.connected': true, 'focusflow.restoring': false, 'focusflow.hasTeam': true, 'focusflow.canManageTeam': false });

    const [active, other] = items();
    assert.strictEqual(active.label, "Bob's team");
    assert.strictEqual(active.contextValue, 'team.member.active');
    assert.strictEqual(other.contextValue, 'team.owner.manageable');
    assert.deepStrictEqual(
      items(active).map((m) => m.contextValue),
      ['member.readonly.owner', 'member.self.member'],
    );
    // The palette hides the command, and the server refuses it anyway: a message, no exception, no change.
    assert.strictEqual(await command('focusflow.rotateInviteCode', { confirm: true }), undefined);

    // Switching back through the quick pick of the user's teams: the active one is listed last, so Enter
    // on the picker as it opens switches. (Only Enter is sent: a key sent before the picker opens is lost.)
    const back = await answerQuickPick(command<TeamSummary>('focusflow.switchTeam'), 'workbench.action.acceptSelectedQuickOpenItem');
    assert.strictEqual(back?.name, HOSTILE);
    assert.strictEqual(keys()['focusflow.canManageTeam'], true);
    assert.strictEqual(items()[0].contextValue, 'team.owner.manageable.active');
  });

  it('disconnecting brings the Connect welcome back', async () => {
    await command('focusflow.disconnectTeam', { force: true });
    assert.deepStrictEqual(keys(), { 'focusflow.connected': false, 'focusflow.restoring': false, 'focusflow.hasTeam': false, 'focusflow.canManageTeam': false });
    assert.deepStrictEqual(items(), []);
  });
});
