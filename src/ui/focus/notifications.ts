import * as vscode from 'vscode';
import { formatDuration } from '../../core/focus/format';
import type { FocusChange, FocusService } from '../../core/focus/focusService';

/**
 * One non-modal notification when a session ends, offering the obvious next step. The service reports
 * a due completion only in the window whose update won, so several open windows still show one.
 */
export function notifySessionEnds(focus: FocusService): vscode.Disposable {
  return focus.onDidChange((change) => void announce(change));
}

async function announce({ reason, session }: FocusChange): Promise<void> {
  if (!session) return;
  if (session.kind === 'focus' && (reason === 'completed' || reason === 'stopped')) {
    const what = session.label ? ` on "${session.label}"` : '';
    const picked = await vscode.window.showInformationMessage(
      `FocusFlow: focus session done, ${formatDuration(session.actualSeconds ?? 0)}${what}.`,
      'Start Break',
      'Start Another',
    );
    if (picked === 'Start Break') await vscode.commands.executeCommand('focusflow.startBreak');
    if (picked === 'Start Another') {
      await vscode.commands.executeCommand('focusflow.startFocus', { minutes: session.plannedMinutes, label: session.label ?? undefined });
    }
  } else if (session.kind === 'break' && reason === 'completed') {
    const picked = await vscode.window.showInformationMessage('FocusFlow: break is over.', 'Start Focus');
    if (picked) await vscode.commands.executeCommand('focusflow.startFocus');
  }
}
