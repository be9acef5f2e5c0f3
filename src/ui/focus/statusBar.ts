import * as vscode from 'vscode';
import { formatClock } from '../../core/focus/format';
import type { FocusService } from '../../core/focus/focusService';
import type { FocusSession } from '../../core/focus/session';
import { remainingSeconds } from '../../core/focus/timer';
import { readStatusBarMode } from './focusSettings';

/**
 * The countdown in the status bar. `focusflow.statusBar.mode` makes it quieter (`icon`) or removes it
 * (`hidden`); the commands keep working either way. Clicking opens the menu of valid actions.
 */
export class FocusStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('focusflow.timer', vscode.StatusBarAlignment.Left, 100);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly focus: FocusService,
    /** Today's progress toward the daily goal, a second line of the tooltip when a goal is set. */
    private readonly goal?: { progressText(): string | undefined; readonly onDidChange: (listener: () => void) => { dispose(): unknown } },
  ) {
    this.item.name = 'FocusFlow Timer';
    this.item.command = 'focusflow.showFocusMenu';
    this.subscriptions = [
      focus.onDidChange(() => this.render()),
      ...(goal ? [goal.onDidChange(() => this.render()) as vscode.Disposable] : []),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('focusflow.statusBar.mode')) this.render();
      }),
    ];
    this.render();
  }

  render(): void {
    const mode = readStatusBarMode();
    if (mode === 'hidden') {
      this.item.hide();
      return;
    }
    const session = this.focus.current();
    const described = describe(session, this.focus.now());
    const { icon, time } = described;
    const progress = this.goal?.progressText();
    const tooltip = progress ? `${described.tooltip}\n${progress}` : described.tooltip;
    if (mode === 'icon') this.item.text = icon;
    else this.item.text = time === undefined ? `${icon} Focus` : `${icon} ${time}`;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: tooltip, role: 'button' };
    this.item.show();
  }

  /** The tooltip now, or undefined while hidden (for the integration tests' API). */
  visibleTooltip(): string | undefined {
    return readStatusBarMode() === 'hidden' ? undefined : (this.item.tooltip as string);
  }

  /** What the status bar shows now, or undefined while hidden (for the integration tests' API). */
  visibleText(): string | undefined {
    return readStatusBarMode() === 'hidden' ? undefined : this.item.text;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

function describe(s: FocusSession | undefined, now: number): { icon: string; time?: string; tooltip: string } {
  if (!s) return { icon: '$(clock)', tooltip: 'FocusFlow: no focus session running. Click to start one.' };
  const time = formatClock(remainingSeconds(s, now));
  const what = s.kind === 'break' ? `${s.breakType === 'long' ? 'Long' : 'Short'} break` : s.label ? `Focus: ${s.label}` : 'Focus session';
  if (s.state === 'paused') {
    return { icon: '$(debug-pause)', time, tooltip: `FocusFlow: ${what} paused, ${time} left of ${s.plannedMinutes} min. Click for actions.` };
  }
  const endsAt = new Date(now + remainingSeconds(s, now) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return {
    icon: s.kind === 'break' ? '$(coffee)' : '$(clock)',
    time,
    tooltip: `FocusFlow: ${what}, ${time} left of ${s.plannedMinutes} min (ends ${endsAt}). Click for actions.`,
  };
}
