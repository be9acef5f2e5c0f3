import * as vscode from 'vscode';
import { type Feedback, showErrorWithLog } from './commandErrors';

/**
 * When the database cannot be opened, the commands still exist and say why, instead of VS Code's
 * "command not found"; each resolves to undefined.
 */
export function registerUnavailableCommands(ids: readonly string[], feedback: Feedback, reason: string): vscode.Disposable {
  return vscode.Disposable.from(
    ...ids.map((id) =>
      vscode.commands.registerCommand(id, () => {
        showErrorWithLog(feedback, reason);
        return undefined;
      }),
    ),
  );
}
