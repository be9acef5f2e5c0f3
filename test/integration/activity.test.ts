// The Activity webview in a real VS Code host: the view opens, its script runs under the CSP and says
// ready, and it is sent the team's activity, which grows when a shared session syncs.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TeamActivity } from '../../src/core/activity';
import type { FocusFlowApi } from '../../src/extension';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';
import { activateExtension, waitFor } from './helpers';

const PASSWORD = 'focusflow-activity-it-password';
const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

interface Delivered {
  type: string;
  activity?: TeamActivity;
}

describe('Activity view in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: FocusFlowApi;
  const delivered = () => api.activityView()?.lastDelivered as Delivered | undefined;

  before(async () => {
    ({ api } = await activateExtension());
    server = await startTestServer();
    await command('focusflow.disconnectTeam', { force: true });
  });

  after(async () => {
    await command('focusflow.disconnectTeam', { force: true });
    await server?.stop();
  });

  it('opens, reports ready, shows "You" while disconnected, then the team activity as a shared session syncs', async () => {
    await command('focusflow.activity.focus');
    await waitFor('the webview to say ready', () => (api.activityView()?.readyMessages ?? 0) > 0, { timeoutMs: 20_000 });
    await waitFor('the You page', () => delivered()?.type === 'personal');

    const email = `it-activity-${Date.now()}@example.com`;
    await server.createVerifiedUser(email, PASSWORD);
    await command('focusflow.connectTeam', { serverUrl: server.url, credentials: { email, password: PASSWORD } });
    const team = await command<{ id: string; name: string }>('focusflow.createTeam', { name: 'Activity IT' });
    assert.ok(team?.id, 'createTeam returned the team');
    await waitFor('the team activity with its one member', () => delivered()?.type === 'activity' && delivered()?.activity?.members.length === 1, {
      timeoutMs: 10_000,
    });
    assert.strictEqual(delivered()?.activity?.total_sessions, 0);

    const started = await command<{ id: string }>('focusflow.startFocus', { minutes: 1 });
    await command('focusflow.stopFocus');
    await command('focusflow.shareSession', { sessionId: started?.id, teamId: team.id });
    await command('focusflow.syncNow', {});
    const activity = await waitFor('the shared session in the chart data', () => delivered()?.activity?.total_sessions === 1 && delivered()?.activity, {
      timeoutMs: 15_000,
    });
    assert.strictEqual(activity.members[0].email, email);
    const viaCommand = await command<TeamActivity>('focusflow.getTeamActivity', { rangeDays: 7 });
    assert.strictEqual(viaCommand?.total_sessions, 1, 'the command returns the same figures');
  });
});
