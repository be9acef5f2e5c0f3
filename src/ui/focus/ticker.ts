import * as vscode from 'vscode';
import type { FocusService } from '../../core/focus/focusService';
import type { Logger } from '../../core/logger';
import type { ActivityTracker } from './activity';
import type { FocusStatusBar } from './statusBar';

/**
 * Beats once a second while a session is active: completes a due session, auto-pauses an idle one and
 * repaints the countdown. With nothing active it does not run at all. Time itself comes from the stored
 * timestamps, so a missed beat (sleep, a busy host) changes nothing but the repaint.
 */
export class FocusTicker implements vscode.Disposable {
  private interval: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly focus: FocusService,
    private readonly statusBar: FocusStatusBar,
    private readonly activity: ActivityTracker,
    private readonly logger: Logger,
  ) {
    this.subscription = focus.onDidChange(() => this.sync());
    this.sync();
  }

  dispose(): void {
    this.subscription.dispose();
    clearInterval(this.interval);
    this.interval = undefined;
  }

  private sync(): void {
    const active = this.focus.current() !== undefined;
    if (active && !this.interval) {
      this.interval = setInterval(() => void this.beat(), 1000);
      // A session that fell due while VS Code was closed completes right away, not a second later.
      void this.beat();
    } else if (!active && this.interval) {
      clearInterval(this.interval);
      this.interval = undefined;
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.focus.tick();
      this.lastError = undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Once per distinct failure, not once a second.
      if (message !== this.lastError) this.logger.error(`Focus timer check failed: ${message}`);
      this.lastError = message;
    }
    // After the tick: the first beat after a sleep must judge the time away before a focused window
    // counts as activity again.
    this.activity.pulse();
    if (!this.interval) return;
    this.statusBar.render();
    this.sync();
  }
}
