import * as vscode from 'vscode';
import { crossedGoal, focusMinutesToday, goalProgressText, goalReachedText, localDateToday, minutesOnDay, sanitizeGoalMinutes } from '../../core/activity';
import { Emitter, type Event } from '../../core/events';
import type { FocusService } from '../../core/focus/focusService';
import type { Logger } from '../../core/logger';
import type { Store } from '../../core/store';

export const DAILY_GOAL_SETTING = 'focusflow.focus.dailyGoalMinutes';
export const GOAL_NOTIFICATION_SETTING = 'focusflow.focus.dailyGoalNotification';

export function readDailyGoalMinutes(): number {
  return sanitizeGoalMinutes(vscode.workspace.getConfiguration().get(DAILY_GOAL_SETTING));
}

/**
 * Today's focus against the daily goal, for the status bar's tooltip, and the one notification on the
 * day the goal is reached. Only the window whose completion of a session won hears of it, so several
 * open windows still show one notification; it never takes focus (no modal, no focus change).
 */
export class DailyGoal implements vscode.Disposable {
  private readonly changes = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changes.event;
  private cached: { date: string; minutes: number } | undefined;
  private notifiedOn: string | undefined;
  private readonly subscriptions: { dispose(): unknown }[];

  constructor(
    private readonly store: Store,
    focus: FocusService,
    private readonly logger: Logger,
  ) {
    const invalidate = () => {
      this.cached = undefined;
      this.changes.fire();
    };
    this.subscriptions = [
      store.onDidChange(invalidate),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(DAILY_GOAL_SETTING) && invalidate()),
      focus.onDidChange(({ reason, session }) => {
        if (session && (reason === 'completed' || reason === 'stopped')) {
          this.cached = undefined;
          this.announceIfReached(minutesOnDay(session, Date.now()));
        }
      }),
    ];
  }

  /** The tooltip line, or undefined when no goal is set. */
  progressText(): string | undefined {
    const goal = readDailyGoalMinutes();
    return goal > 0 ? goalProgressText(this.todayMinutes(), goal) : undefined;
  }

  private todayMinutes(): number {
    const date = localDateToday(Date.now());
    if (this.cached?.date !== date) {
      try {
        this.cached = { date, minutes: this.store.read((db) => focusMinutesToday(db, Date.now())) };
      } catch (err) {
        this.logger.error(`Could not read today's focus for the daily goal: ${(err as Error).message}`);
        return 0;
      }
    }
    return this.cached.minutes;
  }

  private announceIfReached(added: number): void {
    const goal = readDailyGoalMinutes();
    const today = this.todayMinutes();
    const date = localDateToday(Date.now());
    if (!crossedGoal(today, added, goal) || this.notifiedOn === date) return;
    this.notifiedOn = date;
    if (vscode.workspace.getConfiguration().get(GOAL_NOTIFICATION_SETTING) === false) return;
    void vscode.window
      .showInformationMessage(goalReachedText(today, goal), 'Show Activity', "Don't Show Again")
      .then((picked) => {
        if (picked === 'Show Activity') void vscode.commands.executeCommand('focusflow.activity.focus');
        if (picked === "Don't Show Again") void vscode.workspace.getConfiguration().update(GOAL_NOTIFICATION_SETTING, false, vscode.ConfigurationTarget.Global);
      });
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changes.dispose();
  }
}
