import * as vscode from 'vscode';
import { formatDuration } from '../../core/focus/format';
import type { FocusHistory } from '../../core/focus/focusService';
import type { FocusSession } from '../../core/focus/session';

/**
 * Shows today's and this week's totals and the recent sessions in a quick pick. It does not wait for
 * the user: the command returns the figures at once, for callers and tests alike.
 */
export function showHistoryPick(history: FocusHistory): void {
  const pick = vscode.window.createQuickPick();
  pick.title = 'FocusFlow: Focus History';
  pick.placeholder = 'Completed focus time; press Escape to close';
  pick.items = [
    { label: 'Totals', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(calendar) Today: ${formatDuration(history.today.focusSeconds)}`, description: sessions(history.today.sessions) },
    { label: `$(graph) This week: ${formatDuration(history.week.focusSeconds)}`, description: sessions(history.week.sessions) },
    { label: 'Recent sessions', kind: vscode.QuickPickItemKind.Separator },
    ...(history.recent.length ? history.recent.map(toItem) : [{ label: 'No sessions yet', description: 'Start one with FocusFlow: Start Focus Session' }]),
  ];
  pick.onDidAccept(() => pick.hide());
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

function sessions(n: number): string {
  return n === 1 ? '1 completed session' : `${n} completed sessions`;
}

const stateIcon: Record<FocusSession['state'], string> = {
  running: '$(play)',
  paused: '$(debug-pause)',
  completed: '$(check)',
  cancelled: '$(close)',
};

function toItem(s: FocusSession): vscode.QuickPickItem {
  const what = s.kind === 'break' ? `${s.breakType === 'long' ? 'Long' : 'Short'} break` : s.label ?? 'Focus';
  const length = s.actualSeconds === null ? `${s.plannedMinutes} min planned` : formatDuration(s.actualSeconds);
  const started = new Date(s.startTime).toLocaleString([], { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return { label: `${stateIcon[s.state]} ${what}`, description: `${length}, ${s.state}`, detail: started };
}
