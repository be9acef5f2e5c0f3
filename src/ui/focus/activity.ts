import * as vscode from 'vscode';
import type { SharedActivity } from '../../core/focus/sharedActivity';
import { readFocusSettings } from './focusSettings';

/**
 * Feeds editor activity and window focus into the idle auto-pause. Listens only while auto-pause is on,
 * so the default setup pays nothing per keystroke and writes no activity file.
 *
 * Nothing counts before the ticker's first beat: a session left running while VS Code was closed must be
 * judged on the activity recorded before this window opened, and opening a window (restoring its
 * editors, taking focus) is not the user coming back to work.
 */
export class ActivityTracker implements vscode.Disposable {
  private listeners: vscode.Disposable | undefined;
  private readonly configSubscription: vscode.Disposable;
  private firstBeatDone = false;

  constructor(private readonly beacon: SharedActivity) {
    this.configSubscription = vscode.workspace.onDidChangeConfiguration((e) => {
      // Turned on now: the idle time starts counting now, not at the last activity before.
      if (e.affectsConfiguration('focusflow.focus.autoPauseIdleMinutes') && this.firstBeatDone) this.update({ noteNow: true });
    });
  }

  /** Called after every beat of the ticker while a session is active: a focused window counts as activity. */
  pulse(): void {
    if (!this.firstBeatDone) {
      this.firstBeatDone = true;
      this.update({ noteNow: false });
    }
    if (this.listeners && vscode.window.state.focused) this.beacon.note();
  }

  dispose(): void {
    this.configSubscription.dispose();
    this.listeners?.dispose();
  }

  private update(o: { noteNow: boolean }): void {
    const enabled = readFocusSettings().autoPauseIdleMinutes > 0;
    if (enabled && !this.listeners) {
      const note = () => this.beacon.note();
      this.listeners = vscode.Disposable.from(
        // Output channels (our own log included) are documents too; they are not the user typing.
        vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.scheme !== 'output' && note()),
        vscode.window.onDidChangeTextEditorSelection(note),
        vscode.window.onDidChangeActiveTextEditor(note),
        vscode.window.onDidChangeWindowState((s) => s.focused && note()),
      );
      if (o.noteNow) note();
    } else if (!enabled && this.listeners) {
      this.listeners.dispose();
      this.listeners = undefined;
    }
  }
}
