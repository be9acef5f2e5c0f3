// The focus timer as a user drives it in a real VS Code: commands with and without arguments, rows in
// the database file (read independently with the tests' own sql.js), the status bar, and refusals that
// never throw.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FocusFlowApi } from '../../src/extension';
import { silentLogger } from '../../src/core/logger';
import { activateExtension, answerQuickPick, readDb, waitFor } from './helpers';
import { openStoreOnDisk } from '../../src/node/store/openStore';

interface SessionRow {
  id: string;
  kind: string;
  break_type: string | null;
  label: string | null;
  state: string;
  start_time: string;
  end_time: string | null;
  planned_duration_minutes: number;
  actual_duration_seconds: number | null;
  paused_seconds: number;
  paused_at: string | null;
  completed: number;
}

/** What the commands resolve to (the FocusSession shape). */
interface SessionResult {
  id: string;
  kind: string;
  state: string;
  plannedMinutes: number;
  label: string | null;
}

let api: FocusFlowApi;

const run = <T = SessionResult | undefined>(command: string, ...args: unknown[]) =>
  vscode.commands.executeCommand<T>(command, ...args) as Promise<T>;

async function rows(): Promise<SessionRow[]> {
  return readDb(api.dbPath, (db) => db.all<SessionRow>('SELECT * FROM sessions ORDER BY start_time'));
}

async function row(id: string): Promise<SessionRow | undefined> {
  return (await rows()).find((r) => r.id === id);
}

async function setStatusBarMode(mode: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('focusflow').update('statusBar.mode', mode, vscode.ConfigurationTarget.Global);
}

describe('focus timer in a real VS Code host', () => {
  before(async () => {
    api = (await activateExtension()).api as FocusFlowApi;
  });

  beforeEach(async () => {
    // Each test starts with nothing running, whatever the previous one left.
    if ((await rows()).some((r) => r.state === 'running' || r.state === 'paused')) await run('focusflow.cancelFocus');
  });

  it('starts, pauses, resumes and stops a session given by arguments, all on disk', async () => {
    const started = await run('focusflow.startFocus', { minutes: 25, label: 'integration' });
    assert.ok(started, 'startFocus with arguments returned nothing');
    assert.strictEqual(started.state, 'running');
    let stored = await row(started.id);
    assert.strictEqual(stored?.state, 'running');
    assert.strictEqual(stored?.kind, 'focus');
    assert.strictEqual(stored?.label, 'integration');
    assert.strictEqual(stored?.planned_duration_minutes, 25);
    assert.match(api.statusBarText() ?? '', /^\$\(clock\) (25:00|24:5\d)$/);

    const paused = await run('focusflow.pauseFocus');
    assert.strictEqual(paused?.state, 'paused');
    stored = await row(started.id);
    assert.strictEqual(stored?.state, 'paused');
    assert.ok(stored?.paused_at, 'paused_at is not stored');
    assert.match(api.statusBarText() ?? '', /^\$\(debug-pause\) (25:00|24:5\d)$/);

    await new Promise((r) => setTimeout(r, 1100));
    const resumed = await run('focusflow.resumeFocus');
    assert.strictEqual(resumed?.state, 'running');
    stored = await row(started.id);
    assert.strictEqual(stored?.paused_at, null);
    assert.ok((stored?.paused_seconds ?? 0) >= 1, `paused_seconds ${stored?.paused_seconds} misses the pause`);

    const stopped = await run('focusflow.stopFocus');
    assert.strictEqual(stopped?.state, 'completed');
    stored = await row(started.id);
    assert.strictEqual(stored?.state, 'completed');
    assert.strictEqual(stored?.completed, 1);
    assert.ok(stored?.end_time, 'end_time is not stored');
    assert.strictEqual(api.statusBarText(), '$(clock) Focus');
  });

  it('answers pause, resume and stop with nothing running without an exception or a row', async () => {
    const before = (await rows()).length;
    for (const command of ['focusflow.pauseFocus', 'focusflow.resumeFocus', 'focusflow.stopFocus', 'focusflow.cancelFocus']) {
      assert.strictEqual(await run(command), undefined, `${command} should resolve to undefined`);
    }
    assert.strictEqual((await rows()).length, before);
  });

  it('refuses bad durations with a message and starts nothing', async () => {
    const before = (await rows()).length;
    for (const minutes of [0, -5, 1441, 'abc', 2.5]) {
      assert.strictEqual(await run('focusflow.startFocus', { minutes }), undefined, `minutes ${minutes} was accepted`);
    }
    assert.strictEqual((await rows()).length, before);
    assert.strictEqual(api.statusBarText(), '$(clock) Focus');
  });

  it('asks for the length when none is given: picking 25 starts, Escape backs out', async () => {
    const backedOut = await answerQuickPick(run('focusflow.startFocus'), 'workbench.action.closeQuickOpen');
    assert.strictEqual(backedOut, undefined);
    const picked = await answerQuickPick(run('focusflow.startFocus'), 'workbench.action.acceptSelectedQuickOpenItem');
    assert.strictEqual(picked?.plannedMinutes, 25);
    assert.strictEqual((await row(picked.id))?.state, 'running');
  });

  it('follows focusflow.statusBar.mode: full, icon only, hidden', async () => {
    await run('focusflow.startFocus', { minutes: 50 });
    try {
      await setStatusBarMode('icon');
      await waitFor('the icon-only status bar', () => api.statusBarText() === '$(clock)');
      await run('focusflow.pauseFocus');
      assert.strictEqual(api.statusBarText(), '$(debug-pause)', 'a paused session must stay visible in icon mode');
      await setStatusBarMode('hidden');
      await waitFor('the status bar item to hide', () => api.statusBarText() === undefined);
    } finally {
      await setStatusBarMode(undefined);
    }
    await waitFor('the full status bar again', () => /^\$\(debug-pause\) (50:00|49:5\d)$/.test(api.statusBarText() ?? ''));
  });

  it('starts a break and counts completed sessions in the history', async () => {
    const focus = await run('focusflow.startFocus', { minutes: 25 });
    await run('focusflow.stopFocus');
    const brk = await run('focusflow.startBreak');
    assert.strictEqual(brk?.kind, 'break');
    const stored = await row(brk.id);
    assert.strictEqual(stored?.kind, 'break');
    assert.ok(stored?.break_type === 'short' || stored?.break_type === 'long');
    assert.match(api.statusBarText() ?? '', /^\$\(coffee\) /);

    const history = await run<{ today: { sessions: number; focusSeconds: number }; recent: { id: string }[] }>('focusflow.showHistory');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const completedToday = await readDb(api.dbPath, (db) =>
      db.get<{ n: number; secs: number }>(
        "SELECT COUNT(*) AS n, COALESCE(SUM(actual_duration_seconds), 0) AS secs FROM sessions WHERE kind = 'focus' AND state = 'completed' AND start_time >= ?",
        [new Date(new Date().setHours(0, 0, 0, 0)).toISOString()],
      ),
    );
    assert.deepStrictEqual(history.today, { sessions: completedToday?.n, focusSeconds: completedToday?.secs });
    assert.deepStrictEqual(history.recent.slice(0, 2).map((s) => s.id), [brk.id, focus?.id]);
  });

  it('completes a session another window started that fell due, at its due time', async function () {
    this.timeout(20_000);
    // A second Store on the same file is what another VS Code window is.
    const { store } = await openStoreOnDisk({ file: api.dbPath, logger: silentLogger });
    const id = `it-due-${Date.now()}`;
    const start = Date.now() - 26 * 60_000;
    const startIso = new Date(start).toISOString();
    await store.write((db) =>
      db.run(
        `INSERT INTO sessions (id, kind, label, start_time, planned_duration_minutes, paused_seconds, state, completed, created_at, last_modified)
         VALUES (?, 'focus', 'other window', ?, 25, 0, 'running', 0, ?, ?)`,
        [id, startIso, startIso, startIso],
      ),
    );
    await store.close();

    const done = await waitFor(
      'the extension to complete the due session',
      async () => {
        const r = await row(id);
        return r?.state === 'completed' && r;
      },
      { timeoutMs: 10_000 },
    );
    assert.strictEqual(done.end_time, new Date(start + 25 * 60_000).toISOString());
    assert.strictEqual(done.actual_duration_seconds, 25 * 60);
    await waitFor('the status bar to return to idle', () => api.statusBarText() === '$(clock) Focus');
  });
});
