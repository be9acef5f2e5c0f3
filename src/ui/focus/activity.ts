import * as vscode from 'vscode';
import type { ActivityBeacon } from '../../core/focus/activityBeacon';
import { readFocusSettings } from './focusSettings';

/**
 * Feeds editor activity and window focus into the idle auto-pause. Listens only while auto-pause is on,
 * so the default setup pays nothing per keystroke and writes no activity file.
 */
export class ActivityTracker implements vscode.Disposable {
  private listeners: vscode.Disposable | undefined;
  private readonly configSubscription: vscode.Disposable;

  constructor(private readonly beacon: ActivityBeacon) {
    this.configSubscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('focusflow.focus.autoPauseIdleMinutes')) this.update();
    });
    this.update();
  }

  /** Called every second while a session runs: a focused window counts as activity. */
  pulse(): void {
    if (this.listeners && vscode.window.state.focused) this.beacon.note();
  }

  dispose(): void {
    this.configSubscription.dispose();
    this.listeners?.dispose();
  }

  private update(): void {
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
      note();
    } else if (!enabled && this.listeners) {
      this.listeners.dispose();
      this.listeners = undefined;
    }
  }
}
