import * as vscode from 'vscode';
import { FocusError } from '../core/focus/errors';
import type { Logger } from '../core/logger';
import { StoreError } from '../core/store';
import { isClientError, type ClientError } from '../core/trailbase';

/** Where failures go: the log, and the user's way to open it. */
export interface Feedback {
  logger: Logger;
  showLog(): void;
}

/**
 * Runs a command body so that nothing escapes to VS Code: a failure becomes a non-modal message with
 * a next step, and the command resolves to undefined.
 */
export async function guarded<T>(feedback: Feedback, body: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await body();
  } catch (err) {
    report(feedback, err);
    return undefined;
  }
}

const nextStep: Partial<Record<FocusError['code'], { label: string; command: string }>> = {
  'nothing-active': { label: 'Start Focus', command: 'focusflow.startFocus' },
  'already-active': { label: 'Show Actions', command: 'focusflow.showFocusMenu' },
  'not-running': { label: 'Show Actions', command: 'focusflow.showFocusMenu' },
  'not-paused': { label: 'Show Actions', command: 'focusflow.showFocusMenu' },
};

function report(feedback: Feedback, err: unknown): void {
  if (err instanceof FocusError) {
    feedback.logger.info(`Refused: ${err.message}`);
    const next = nextStep[err.code];
    // Not awaited: the command answers at once while the message waits for the user.
    void vscode.window.showWarningMessage(`FocusFlow: ${err.message}`, ...(next ? [next.label] : [])).then((picked) => {
      if (picked && next) void vscode.commands.executeCommand(next.command);
    });
    return;
  }
  if (isClientError(err)) {
    reportClientError(feedback, err);
    return;
  }
  if (err instanceof StoreError) {
    feedback.logger.error(err);
    showErrorWithLog(feedback, `FocusFlow: ${err.message}`);
    return;
  }
  feedback.logger.error(err instanceof Error ? err : String(err));
  showErrorWithLog(feedback, 'FocusFlow hit an unexpected error; the details are in the FocusFlow log.');
}

/** Server and connection failures: the client's message already says what to do; offer the way to do it. */
function reportClientError(feedback: Feedback, err: ClientError): void {
  feedback.logger.warn(`${err.kind} error: ${err.message}${err.reason ? ` (server said: ${err.reason})` : ''}`);
  const signIn =
    (err.kind === 'auth' && ['signed-out', 'session-expired', 'invalid-credentials', 'mfa-required', 'mfa-code-wrong', 'mfa-expired'].includes(err.code)) ||
    (err.kind === 'validation' && err.code === 'bad-url');
  const actions = signIn ? ['Connect…', 'Show Log'] : ['Show Log'];
  const show = err.kind === 'network' || err.kind === 'rate-limited' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  void show(`FocusFlow: ${err.message}`, ...actions).then((picked) => {
    if (picked === 'Connect…') void vscode.commands.executeCommand('focusflow.connectTeam');
    else if (picked === 'Show Log') feedback.showLog();
  });
}

export function showErrorWithLog(feedback: Feedback, message: string): void {
  void vscode.window.showErrorMessage(message, 'Show Log').then((picked) => {
    if (picked) feedback.showLog();
  });
}
