import * as vscode from 'vscode';
import type { Event } from '../../core/events';
import type { Feedback } from '../commandErrors';
import { registerTeamActivityCommand } from './command';
import { ACTIVITY_VIEW_ID, ActivityViewProvider, type ActivitySources } from './provider';

export interface ActivityDeps extends ActivitySources {
  /** The sync engine's "data changed" event (teams, members or shared sessions changed locally). */
  onDidChangeData: Event<unknown>;
  feedback: Feedback;
}

/** The Activity webview view and the `focusflow.getTeamActivity` command, for the composition root. */
export function registerActivity(deps: ActivityDeps): vscode.Disposable {
  const provider = new ActivityViewProvider(deps, deps.onDidChangeData);
  return vscode.Disposable.from(
    provider,
    vscode.window.registerWebviewViewProvider(ACTIVITY_VIEW_ID, provider),
    registerTeamActivityCommand(deps.store, deps.connection, provider, deps.feedback),
  );
}

export { ACTIVITY_VIEW_ID } from './provider';
export type { TeamActivityArgs } from './command';
