// The newcomer's walk-through from the README, in a real VS Code host against `npm run dev-server --
// --demo`: connect as alice and see Demo Team with its members and chart; create a team, have bob join
// it by code and share a session, and watch it appear without pressing anything. With SCREENSHOT_DIR
// set (npm run screenshots) it also pictures the window at both points.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { z } from 'zod';
import type { TeamActivity } from '../../src/core/activity';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import type { TeamSummary } from '../../src/core/team/teams';
import { TrailBaseClient } from '../../src/core/trailbase';
import type { FocusFlowApi } from '../../src/extension';
import type { TeamViewItem } from '../../src/ui/team';
import type { TestServer } from '../server/harness';
import { requestScreenshot, startTestServer } from './servers';
import { testConfig } from './testConfig';
import { MemoryTokenStore } from '../support/memoryTokenStore';
import { activateExtension, waitFor } from './helpers';

const DEMO_PASSWORD = 'focusflow-demo';
const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

/**
 * Asks the driver of this host for a picture of the window (see test/host/drive-host.js), taken once the
 * Activity webview has painted its chart (`.charts svg`): the view's content arrives a moment after the
 * view itself, and a picture without it would promise a chart and show an empty view.
 */
async function screenshot(name: string): Promise<void> {
  if (!(await testConfig()).screenshots) return;
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  // The probe reads the providers at once; the workbench repaints the views a moment later.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const missing = await requestScreenshot(name, '.charts svg');
  assert.strictEqual(missing, '', `${name}.png was taken without the Activity chart`);
}

describe('README walk-through against the demo server, in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: FocusFlowApi;
  let bob: TrailBaseClient | undefined;
  const items = (parent?: TeamViewItem) => api.teamView()?.items(parent) ?? [];
  // What the Activity view charts, through the command that computes it for the view (that the webview
  // itself receives it is activity.test.ts's part: earlier tests re-activate the module, and VS Code
  // does not hand an open view to the new provider).
  const activity = () => command<TeamActivity>('focusflow.getTeamActivity', { rangeDays: 7 });

  before(async () => {
    ({ api } = await activateExtension());
    server = await startTestServer({ args: ['--demo'] });
    await command('focusflow.disconnectTeam', { force: true });
  });

  after(async () => {
    await command('focusflow.disconnectTeam', { force: true });
    bob?.dispose();
    await server?.stop();
  });

  it('connects as alice and shows Demo Team, its members and its chart with no other step', async () => {
    await command('focusflow.connectTeam', { serverUrl: server.url, credentials: { email: 'alice@example.com', password: DEMO_PASSWORD } });
    await command('workbench.view.extension.focusflow');
    const team = await waitFor('Demo Team as the active team', () => items().find((t) => t.label === 'Demo Team' && /\.active$/.test(t.contextValue ?? '')), {
      timeoutMs: 15_000,
    });
    // Pulled memberships carry no email; the view asks the server for them right after the pull.
    const labels = () => items(team).map((m) => m.label);
    const members = await waitFor('the members by email', () => {
      const now = labels();
      return now.includes('alice@example.com (you)') && now.includes('bob@example.com') && now;
    }, { timeoutMs: 15_000 }).catch(() => labels());
    assert.ok(members.includes('alice@example.com (you)') && members.includes('bob@example.com'), `members: ${members.join(', ')}`);
    const chart = await waitFor('the chart data of Demo Team', async () => {
      const figures = await activity();
      return figures?.team_name === 'Demo Team' && figures;
    }, { timeoutMs: 15_000 });
    assert.strictEqual(chart.members.length, 2);
    assert.ok(chart.total_sessions > 0, 'the seeded sessions of the last week are charted');
    await screenshot('vscode-demo-team');
  });

  it("creates a team, bob joins it by code and shares a session, and alice's views show it without a command", async () => {
    const created = await command<TeamSummary>('focusflow.createTeam', { name: 'Launch Squad' });
    assert.ok(created?.inviteCode, 'the new team has an invite code');
    bob = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger });
    await bob.login('bob@example.com', DEMO_PASSWORD);
    await bob.records('join_requests', z.unknown()).create({ id: uuidToBase64(uuidv7()), invite_code: created.inviteCode });
    const start = new Date(Date.now() - 40 * 60_000);
    await bob.records('shared_sessions', z.unknown()).create({
      id: uuidToBase64(uuidv7()),
      team: uuidToBase64(created.id),
      user: bob.user?.id,
      local_session_id: 'demo-walkthrough',
      start_time: start.toISOString(),
      end_time: new Date(start.getTime() + 25 * 60_000).toISOString(),
      planned_duration_minutes: 25,
      actual_duration_seconds: 1500,
      completed: 1,
      last_modified: start.toISOString(),
      deleted: 0,
    });
    const launch = () => items().find((t) => t.label === 'Launch Squad');
    await waitFor("bob's session under Launch Squad", () => {
      const team = launch();
      const bobRow = team && items(team).find((m) => m.label === 'bob@example.com');
      return bobRow && items(bobRow).length === 1;
    }, { timeoutMs: 15_000 });
    await waitFor("bob's session in the chart", async () => {
      const figures = await activity();
      return figures?.team_name === 'Launch Squad' && figures.total_sessions === 1;
    }, { timeoutMs: 10_000 });
    await screenshot('vscode-team-live');
  });
});
