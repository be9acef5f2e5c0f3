import * as vscode from 'vscode';
import type { FocusService } from '../../core/focus/focusService';
import { showErrorWithLog, type Feedback } from '../commandErrors';
import type { ActivityTracker } from './activity';
import type { FocusStatusBar } from './statusBar';

/**
 * Beats once a second while a session is active: completes a due session, auto-pauses an idle one and
 * repaints the countdown. With nothing active it does not run at all. Time itself comes from the stored
 * timestamps, so a missed beat (sleep, a busy host) changes nothing but the repaint.
 */
export class FocusTicker implements vscode.Disposable {
  private interval: NodeJS.Timeout | undefined;
  /** The failure the beats keep meeting, since when, and whether the user was told. */
  private failing: { message: string; since: number; told: boolean } | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly focus: FocusService,
    private readonly statusBar: FocusStatusBar,
    private readonly activity: ActivityTracker,
    private readonly feedback: Feedback,
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
      // A failure of the session that ended is not news about the next one.
      this.failing = undefined;
    }
  }

  private async beat(): Promise<void> {
    try {
      // The window that completes a session is the one that says so: leave that to the focused window
      // when there is one, so the prompt to take a break appears where the user is.
      await this.focus.tick({ completeAfterMs: vscode.window.state.focused ? 0 : UNFOCUSED_COMPLETE_AFTER_MS });
      this.failing = undefined;
    } catch (err) {
      this.failed(err instanceof Error ? err.message : String(err));
    }
    // After the tick: the first beat after a sleep must judge the time away before a focused window
    // counts as activity again.
    this.activity.pulse();
    if (!this.interval) return;
    this.statusBar.render();
    this.sync();
  }

  /**
   * Logged once per distinct failure, not once a second. One that lasts (a full disk, a database
   * another program holds) is also shown, once: otherwise the countdown would just sit there.
   */
  private failed(message: string): void {
    const now = Date.now();
    if (message !== this.failing?.message) {
      this.feedback.logger.error(`Focus timer check failed: ${message}`);
      this.failing = { message, since: now, told: false };
    }
    if (!this.failing.told && now - this.failing.since >= LASTING_FAILURE_MS) {
      this.failing.told = true;
      showErrorWithLog(this.feedback, `FocusFlow: the focus timer cannot save the session's progress. ${message}`);
    }
  }
}

const LASTING_FAILURE_MS = 10_000;
const UNFOCUSED_COMPLETE_AFTER_MS = 2_000;
