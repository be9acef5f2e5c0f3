// The user's own focus in a real VS Code host, with no server: the Activity view's "You" page, the daily
// goal in the status bar's tooltip, and Export Focus History writing a file that matches the database.
// Named to run right after activity.test.ts, while the open view is still served by the first activation:
// later tests deactivate and re-activate the extension, after which the open view no longer says ready.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PersonalActivity } from '../../src/core/activity';
import type { FocusFlowApi } from '../../src/extension';
import { activateExtension, exists, readDb, readText, scratchFolder, waitFor } from './helpers';
import { parseCsv } from '../support/csv';

const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

interface Delivered {
  type: string;
  team?: string;
  activity?: PersonalActivity;
}


describe('Your own focus in a real VS Code host (no server)', function () {
  this.timeout(60_000);
  let api: FocusFlowApi;
  const delivered = () => api.activityView()?.lastDelivered as Delivered | undefined;
  const settings = () => vscode.workspace.getConfiguration('focusflow');

  before(async () => {
    ({ api } = await activateExtension());
    await command('focusflow.disconnectTeam', { force: true });
    // A session another test left running would refuse the start below.
    if (await readDb(api.dbUri, (db) => db.get(`SELECT 1 FROM sessions WHERE state IN ('running', 'paused')`))) await command('focusflow.cancelFocus');
  });

  after(async () => {
    await settings().update('focus.dailyGoalMinutes', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows "You" in the Activity view while not connected, with a session just completed', async () => {
    await command('focusflow.activity.focus');
    await waitFor('the webview to say ready', () => (api.activityView()?.readyMessages ?? 0) > 0, { timeoutMs: 20_000 });
    const before = await waitFor('the You page', () => delivered()?.type === 'personal' && delivered()?.activity, { timeoutMs: 10_000 });
    assert.strictEqual(delivered()?.team, 'disconnected', 'the page offers the team action below');

    await command('focusflow.startFocus', { minutes: 1, label: 'You page, "integration"' });
    // A second of focus: a session of 0 seconds completes but does not make a day with focus.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await command('focusflow.stopFocus');
    const after = await waitFor(
      'the completed session on the You page',
      () => delivered()?.type === 'personal' && delivered()!.activity!.today.sessions === before.today.sessions + 1 && delivered()!.activity,
      { timeoutMs: 10_000 },
    );
    assert.strictEqual(after.outcomes.completed, before.outcomes.completed + 1);
    assert.ok(after.streak.current >= 1, 'today counts toward the streak');
  });

  it('shows progress toward the daily goal in the status bar tooltip, as the database has it', async () => {
    await settings().update('focus.dailyGoalMinutes', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('no goal line without a goal', () => !/daily goal/.test(api.statusBarTooltip() ?? 'daily goal'));
    await settings().update('focus.dailyGoalMinutes', 90, vscode.ConfigurationTarget.Global);
    const tooltip = await waitFor('the goal line', () => (api.statusBarTooltip() ?? '').split('\n').find((l) => l.includes('daily goal')));
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const minutes = await readDb(api.dbUri, (db) =>
      Math.round(
        (db.get<{ s: number }>(
          `SELECT total(actual_duration_seconds) AS s FROM sessions WHERE kind = 'focus' AND state = 'completed' AND start_time >= ?`,
          [midnight.toISOString()],
        )?.s ?? 0) / 60,
      ),
    );
    assert.match(tooltip, new RegExp(`^Today: ${minutes} min of your 1 h 30 min daily goal \\(\\d+%\\)\\.$`));
    // The You page shows the same goal.
    await waitFor('the goal on the You page', () => delivered()?.activity?.goal_minutes === 90, { timeoutMs: 10_000 });
  });

  it('exports a CSV whose rows match the database, and refuses an unknown format', async () => {
    const folder = await scratchFolder('export');
    const file = vscode.Uri.joinPath(folder, 'history.csv');
    const rows = await command<number>('focusflow.exportHistory', { format: 'csv', uri: file });
    const expected = await readDb(api.dbUri, (db) =>
      db.all<{ id: string; kind: string; label: string | null; state: string; focus: number | null }>(
        'SELECT id, kind, label, state, actual_duration_seconds AS focus FROM sessions ORDER BY start_time, id',
      ),
    );
    assert.ok(expected.length >= 1);
    assert.strictEqual(rows, expected.length, 'the command returns the number of rows written');
    const table = parseCsv((await readText(file)) ?? assert.fail('no CSV file was written'));
    assert.deepStrictEqual(table[0].slice(0, 5), ['id', 'kind', 'break_type', 'label', 'state']);
    assert.deepStrictEqual(
      table.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[8]]),
      expected.map((r) => [r.id, r.kind, r.label ?? '', r.state, r.focus === null ? '' : String(r.focus)]),
    );
    assert.ok(table.slice(1).every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/.test(r[5])), 'start times in ISO 8601 with an offset');

    const xlsx = vscode.Uri.joinPath(folder, 'history.csv.xlsx');
    const refused = await command<number>('focusflow.exportHistory', { format: 'xlsx', uri: xlsx });
    assert.strictEqual(refused, undefined);
    assert.strictEqual(await exists(xlsx), false, 'nothing written for a refused format');
  });
});
