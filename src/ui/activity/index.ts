import * as vscode from 'vscode';
import type { Event } from '../../core/events';
import type { Feedback } from '../commandErrors';
import { registerTeamActivityCommand } from './command';
import { ACTIVITY_VIEW_ID, ActivityViewProvider, type ActivitySources } from './provider';

export interface ActivityDeps extends ActivitySources {
  /**
   * Events after which the view repaints: the sync engine's `onDidChangeData` (pulled teams, members,
   * shared sessions) and the team service's `onDidChange` (created, joined, switched, left).
   */
  dataChanges: readonly Event<unknown>[];
  feedback: Feedback;
  /** Resolves once a sign-in being restored at start has finished (bounded): the command waits on it. */
  signedIn: () => Promise<unknown>;
}

/** One event that fires whenever any of `events` does. */
function anyOf(events: readonly Event<unknown>[]): Event<unknown> {
  return (listener) => {
    const subscriptions = events.map((event) => event(listener));
    return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
  };
}

/** The Activity webview view and the `focusflow.getTeamActivity` command, for the composition root. */
export function registerActivity(deps: ActivityDeps): vscode.Disposable & { probe: ActivityViewProvider['probe'] } {
  const provider = new ActivityViewProvider(deps, anyOf(deps.dataChanges));
  const registration = vscode.Disposable.from(
    provider,
    vscode.window.registerWebviewViewProvider(ACTIVITY_VIEW_ID, provider),
    registerTeamActivityCommand(deps.store, deps.connection, provider, deps.feedback, deps.signedIn),
  );
  return Object.assign(registration, { probe: provider.probe });
}

export { ACTIVITY_VIEW_ID } from './provider';
export type { TeamActivityArgs } from './command';
