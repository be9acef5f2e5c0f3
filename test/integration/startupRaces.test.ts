// The command contract has no start-up races, in a real VS Code host against the local
// TrailBase-compatible server: a command called right after `focusflow.connectTeam` resolves finds the
// user's teams, and commands called while a window signs back in from stored tokens wait for it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { z } from 'zod';
import type { TeamActivity } from '../../src/core/activity';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import type { MemberRecord } from '../../src/core/models';
import { TrailBaseClient } from '../../src/core/trailbase';
import type { FocusFlowApi } from '../../src/extension';
import type { ConnectResult } from '../../src/ui/team/connectCommands';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';
import { MemoryTokenStore } from '../support/memoryTokenStore';
import { activateExtension, activationContext, MemorySecretStorage, waitFor } from './helpers';

const PASSWORD = 'focusflow-it-password';
const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

describe('start-up races of the command contract, in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let extension: vscode.Extension<FocusFlowApi>;
  let realApi: FocusFlowApi;
  let extensionModule: FocusFlowApi['lifecycle'];
  let userCount = 0;

  /** A verified account that is already in a team of its own, made on the server only (another machine). */
  const userInTeam = async (teamName: string) => {
    const email = `it-race-${Date.now()}-${++userCount}@example.com`;
    const { id } = await server.createVerifiedUser(email, PASSWORD);
    const elsewhere = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger });
    try {
      await elsewhere.login(email, PASSWORD);
      const teamId = uuidv7();
      await elsewhere.records('teams', z.unknown()).create({ id: uuidToBase64(teamId), name: teamName, created_by: id });
      return { email, id, teamId };
    } finally {
      elsewhere.dispose();
    }
  };
  /** An activation of the tests' own, on the real storage, with SecretStorage the test controls. */
  const ownActivation = () => {
    const secrets = new MemorySecretStorage();
    const context = activationContext(extension, realApi, secrets);
    return { secrets, context };
  };
  const credentials = (email: string) => ({ serverUrl: server.url, credentials: { email, password: PASSWORD } });

  before(async () => {
    server = await startTestServer();
    ({ extension, api: realApi } = await activateExtension());
    extensionModule = realApi.lifecycle;
  });

  after(async () => {
    await command('focusflow.disconnectTeam', { force: true });
    await server?.stop();
  });

  it('connectTeam resolves with the active team chosen: getTeamMembers called at once answers its members', async () => {
    await command('focusflow.disconnectTeam', { force: true });
    const user = await userInTeam('Race Team');
    const connected = await command<ConnectResult>('focusflow.connectTeam', credentials(user.email));
    // No wait of any kind here: this is what a script or another extension does.
    const members = await command<MemberRecord[]>('focusflow.getTeamMembers');
    assert.deepStrictEqual(connected, { userId: user.id, email: user.email, serverUrl: server.url, teamId: user.teamId });
    assert.ok(members, 'getTeamMembers answered undefined ("no active team") right after connecting');
    assert.deepStrictEqual(
      members.map((m) => ({ team: m.team_id, email: m.email, role: m.role })),
      [{ team: user.teamId, email: user.email, role: 'Owner' }],
    );
    assert.strictEqual(realApi.connectionStatus(), 'connected');
  });

  it('commands called while the stored sign-in is restored wait for it, and answer as the signed-in user', async () => {
    const user = await userInTeam('Restore Team');
    const { secrets, context } = ownActivation();
    await extensionModule.deactivate();
    try {
      await extensionModule.activate(context);
      const connected = await command<ConnectResult>('focusflow.connectTeam', credentials(user.email));
      assert.strictEqual(connected?.teamId, user.teamId);

      // A restart whose keychain takes its time to answer.
      await extensionModule.deactivate();
      let answerReads = () => {};
      secrets.slowReads = new Promise((resolve) => (answerReads = resolve));
      const api = await extensionModule.activate(context);
      await waitFor('the restore to begin', () => api.connectionStatus() === 'restoring');
      const calls = {
        members: command<MemberRecord[]>('focusflow.getTeamMembers'),
        activity: command<TeamActivity>('focusflow.getTeamActivity', { rangeDays: 7 }),
        sync: command<{ synced: number; failed: number; pending: number }>('focusflow.syncNow', {}),
        status: command<{ pending: number }>('focusflow.getSyncStatus', {}),
      };
      let settled = 0;
      for (const call of Object.values(calls)) void Promise.resolve(call).then(() => settled++);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.strictEqual(settled, 0, 'no command answered before the sign-in was restored');
      secrets.slowReads = undefined;
      answerReads();

      const members = await calls.members;
      assert.deepStrictEqual(members?.map((m) => m.email), [user.email], 'getTeamMembers answered for the restored account');
      assert.strictEqual((await calls.activity)?.team_name, 'Restore Team');
      // These two answer the same shape signed in or not; what matters is that they waited (above).
      assert.strictEqual(typeof (await calls.sync)?.synced, 'number');
      assert.strictEqual(typeof (await calls.status)?.pending, 'number');
      assert.strictEqual(api.connectionStatus(), 'connected');
    } finally {
      await extensionModule.deactivate();
      await extensionModule.activate({ ...context, secrets: new MemorySecretStorage() });
    }
  });

  it('a restore that never finishes holds commands no longer than the server timeout, then they say so', async () => {
    const user = await userInTeam('Stuck Team');
    const { secrets, context } = ownActivation();
    const settings = vscode.workspace.getConfiguration('focusflow');
    await settings.update('server.timeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    await extensionModule.deactivate();
    try {
      await extensionModule.activate(context);
      await command('focusflow.connectTeam', credentials(user.email));
      await extensionModule.deactivate();
      secrets.slowReads = new Promise(() => {});
      const api = await extensionModule.activate(context);
      await waitFor('the restore to begin', () => api.connectionStatus() === 'restoring');
      const started = Date.now();
      const members = await command<MemberRecord[]>('focusflow.getTeamMembers');
      const waited = Date.now() - started;
      assert.strictEqual(members, undefined, 'still signing back in: the command answers with its message');
      assert.ok(waited >= 900 && waited < 5_000, `waited ${waited} ms for a 1 s server timeout`);
      assert.strictEqual(api.connectionStatus(), 'restoring');
    } finally {
      secrets.slowReads = undefined;
      await settings.update('server.timeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await extensionModule.deactivate();
      await extensionModule.activate({ ...context, secrets: new MemorySecretStorage() });
    }
  });
});
