import * as vscode from 'vscode';
import { type FocusSettings, sanitizeSettings } from '../../core/focus/settings';

export type StatusBarMode = 'full' | 'icon' | 'hidden';

/** The `focusflow.*` settings the timer uses, read fresh on each call (VS Code caches them). */
export function readFocusSettings(): FocusSettings {
  const c = vscode.workspace.getConfiguration('focusflow');
  return sanitizeSettings({
    focusMinutes: c.get('focus.durationMinutes'),
    shortBreakMinutes: c.get('break.shortMinutes'),
    longBreakMinutes: c.get('break.longMinutes'),
    longBreakEvery: c.get('break.longAfterSessions'),
    autoPauseIdleMinutes: c.get('focus.autoPauseIdleMinutes'),
  });
}

export function readStatusBarMode(): StatusBarMode {
  const mode = vscode.workspace.getConfiguration('focusflow').get('statusBar.mode');
  return mode === 'icon' || mode === 'hidden' ? mode : 'full';
}
