import * as vscode from 'vscode';
import type { Connection, ConnectionService } from '../../core/team/connection';
import { isClientError, SecondFactorRequiredError } from '../../core/trailbase';

/**
 * The second step of a sign-in whose account needs an authenticator code: asks for the code in an input
 * box that names the account and server, and completes the sign-in with it. A refused code is asked for
 * again; a pending sign-in that lapsed (TrailBase keeps it 2 minutes) is started over with `startOver`,
 * the password sign-in, and the box says so. Resolves undefined when the user cancels.
 */
export async function completeWithCode(
  connections: ConnectionService,
  required: SecondFactorRequiredError,
  startOver: () => Promise<Connection>,
  title: string,
): Promise<Connection | undefined> {
  let pending = required.pending;
  let notice: string | undefined;
  for (;;) {
    const host = new URL(pending.serverUrl).host;
    const code = await vscode.window.showInputBox({
      title: `FocusFlow: ${title}`,
      prompt: `${notice ? `${notice} ` : ''}Enter the 6-digit code from your authenticator app to sign in as ${pending.email} on ${host}.`,
      placeHolder: '6-digit code',
      ignoreFocusOut: true,
      validateInput: (value) => (/^\d{6}$/.test(value.replace(/[\s-]/g, '')) ? undefined : 'Enter the 6 digits your authenticator app shows.'),
    });
    if (code === undefined) return undefined;
    const current = pending;
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `FocusFlow: checking the code with ${host}…` },
        () => connections.completeSignIn(current, code),
      );
    } catch (err) {
      if (!isClientError(err) || err.kind !== 'auth' || (err.code !== 'mfa-code-wrong' && err.code !== 'mfa-expired')) throw err;
      if (err.code === 'mfa-code-wrong') {
        notice = 'That code was not accepted: codes change every 30 seconds, so type the one shown now.';
        continue;
      }
      try {
        // The account may have dropped its second factor meanwhile; then this simply connects.
        return await startOver();
      } catch (again) {
        if (!(again instanceof SecondFactorRequiredError)) throw again;
        pending = again.pending;
        notice = 'The sign-in waited too long for its code, so FocusFlow started it again with your password.';
      }
    }
  }
}
