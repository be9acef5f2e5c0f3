import * as vscode from 'vscode';
import type { SyncEngine } from '../../core/sync/engine';
import type { QueueStats } from '../../core/sync/queue';
import type { SyncStatus } from '../../core/sync/engineStatus';
import { toLocalId } from '../../core/ids';
import { ShareError, shareSession, shareableSessions, type SharingContext } from '../../core/sync/sharing';
import type { ConnectionService } from '../../core/team/connection';
import type { Store } from '../../core/store';
import { type Feedback, guarded } from '../commandErrors';
import { shown } from '../shown';
import { heldLines } from '../../core/sync/heldChanges';
import { queueSummary, unreadableText } from './statusBar';

export const syncCommandIds = [
  'focusflow.syncNow',
  'focusflow.getSyncStatus',
  'focusflow.retryFailedSyncs',
  'focusflow.clearFailedSyncs',
  'focusflow.shareSession',
] as const;

export interface SyncCommandDeps {
  engine: SyncEngine;
  connection: ConnectionService;
  store: Store;
  sharing: SharingContext;
  feedback: Feedback;
  signedIn: () => Promise<unknown>;
}

/**
 * Sync and sharing commands. Each one is also an API: called with an argument object it prompts for
 * nothing and resolves to a plain result; called bare (palette, status bar) it may show a picker or ask.
 */
export function registerSyncCommands(d: SyncCommandDeps): vscode.Disposable {
  // Called while the window signs back in, a command answers for the restored account, not as signed out.
  const run = <T>(body: () => Promise<T | undefined>) =>
    guarded(d.feedback, async () => {
      await d.signedIn();
      return body();
    });
  const handlers: Record<(typeof syncCommandIds)[number], (arg?: unknown) => Promise<unknown>> = {
    'focusflow.syncNow': (arg) =>
      run(async () => {
        const result = await d.engine.sync('requested', { explicit: true });
        const why = result.skipped ?? result.error;
        if (why && !isArgs(arg)) {
          const signIn = signInStep(d.connection);
          void vscode.window.showWarningMessage(`FocusFlow sync: ${shown(why)}`, ...(signIn ? [signIn.label] : [])).then((picked) => {
            if (picked && signIn) void vscode.commands.executeCommand(signIn.command);
          });
        }
        return { synced: result.synced, failed: result.failed, pending: result.pending };
      }),
    'focusflow.getSyncStatus': (arg) =>
      run<QueueStats & Pick<SyncStatus, 'unreadable'>>(async () => {
        const { stats, unreadable } = d.engine.status();
        if (!isArgs(arg)) void showStatusPick(d.engine, signInStep(d.connection), stats, unreadable);
        return unreadable ? { ...stats, unreadable } : stats;
      }),
    'focusflow.retryFailedSyncs': () => run(() => d.engine.retryFailed()),
    'focusflow.clearFailedSyncs': (arg) =>
      run(async () => {
        const failed = d.engine.stats().failed;
        if (failed > 0 && !(isArgs(arg) && arg.confirm === true)) {
          const answer = await vscode.window.showWarningMessage(
            `Clear ${failed} failed change${failed === 1 ? '' : 's'}? They will not be sent; the shared sessions stay on this machine marked as failed.`,
            { modal: true },
            'Clear',
          );
          if (answer !== 'Clear') return undefined;
        }
        return d.engine.clearFailed();
      }),
    'focusflow.shareSession': (arg) =>
      run(async () => {
        try {
          return await share(d, isArgs(arg) ? arg : undefined);
        } catch (err) {
          if (!(err instanceof ShareError)) throw err;
          d.feedback.logger.info(`Share refused: ${err.message}`);
          const connect = err.code === 'not-connected' ? 'Connect' : undefined;
          void vscode.window.showWarningMessage(`FocusFlow: ${err.message}`, ...(connect ? [connect] : [])).then((picked) => {
            if (picked) void vscode.commands.executeCommand('focusflow.connectTeam');
          });
          return undefined;
        }
      }),
  };
  return vscode.Disposable.from(...syncCommandIds.map((id) => vscode.commands.registerCommand(id, handlers[id])));
}

/** Picking a session in the picker is the user's explicit consent; callers passing args give their own. */
async function share(d: SyncCommandDeps, arg: Record<string, unknown> | undefined): Promise<string | undefined> {
  const state = d.connection.state;
  if (state.status === 'restoring') throw new ShareError('not-connected', 'FocusFlow is still signing back in to your team server. Try again in a moment.');
  if (state.status !== 'connected') throw new ShareError('not-connected', 'Sharing needs a team server. Connect to one first.');
  const teamId = typeof arg?.teamId === 'string' ? arg.teamId : state.connection.teamId;
  if (!teamId) throw new ShareError('no-team', 'Create or join a team first, then share your sessions with it.');
  const userId = state.connection.userId;
  let sessionId = typeof arg?.sessionId === 'string' ? arg.sessionId : undefined;
  if (!sessionId) {
    sessionId = await pickSession(d.store, teamId, userId, teamName(d.store, teamId));
    if (!sessionId) return undefined;
  }
  const shared = await shareSession(d.sharing, { sessionId, teamId, userId });
  if (!arg) void vscode.window.showInformationMessage('FocusFlow: session shared. It reaches your team with the next sync.');
  return shared.localId;
}

async function pickSession(store: Store, teamId: string, userId: string, team: string): Promise<string | undefined> {
  const sessions = shareableSessions(store, { teamId, userId });
  if (sessions.length === 0) throw new ShareError('no-session', 'There is no completed focus session to share yet. Finish one first.');
  const items = sessions.map((s) => ({
    label: `${s.shared ? '$(check)' : '$(circle-large-outline)'} ${new Date(s.startTime).toLocaleString()}`,
    description: [s.label, s.actualSeconds === null ? undefined : `${Math.round(s.actualSeconds / 60)} min`].filter(Boolean).join(' · '),
    detail: s.shared ? 'Already shared' : undefined,
    id: s.id,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `FocusFlow: Share a Focus Session with ${shown(team)}`,
    placeHolder: 'Teammates will see when it started and ended and how long you focused (not its label).',
  });
  return picked?.id;
}

function teamName(store: Store, teamId: string): string {
  return store.read((db) => db.get<{ name: string }>('SELECT name FROM teams WHERE id = ?', [toLocalId(teamId)])?.name) ?? 'your team';
}

/** What to do when sync cannot run for want of a session: connect, or sign in again. */
function signInStep(connection: ConnectionService): { label: string; command: string } | undefined {
  const { status } = connection.state;
  if (status === 'disconnected') return { label: 'Connect to Team Server…', command: 'focusflow.connectTeam' };
  if (status === 'signed-out') return { label: 'Sign In Again…', command: 'focusflow.connectTeam' };
  return undefined;
}

async function showStatusPick(
  engine: SyncEngine,
  signIn: { label: string; command: string } | undefined,
  stats: QueueStats,
  unreadable: SyncStatus['unreadable'],
): Promise<void> {
  const failed = engine.failedOperations();
  type Item = vscode.QuickPickItem & { command?: string };
  const items: Item[] = [
    ...(signIn ? [{ label: `$(account) ${signIn.label}`, command: signIn.command }] : []),
    { label: '$(sync) Sync Now', description: `${stats.pending - stats.held} pending`, command: 'focusflow.syncNow' },
    ...(failed.length > 0
      ? [
          { label: '$(refresh) Retry Failed Changes', description: `${failed.length} failed`, command: 'focusflow.retryFailedSyncs' },
          { label: '$(trash) Clear Failed Changes', command: 'focusflow.clearFailedSyncs' },
          { label: 'Failed changes', kind: vscode.QuickPickItemKind.Separator },
          ...failed.map((op) => ({
            label: `$(warning) ${op.operation} ${op.entityType.replace('_', ' ')}`,
            description: `${op.retryCount} attempt${op.retryCount === 1 ? '' : 's'}${op.lastAttemptAt === null ? '' : `, last ${new Date(op.lastAttemptAt).toLocaleString()}`}`,
            detail: shown(op.lastError ?? 'no reason given'),
          })),
        ]
      : []),
    ...heldLines(stats.heldFor).map((detail) => ({ label: '$(account) Waiting for another account', detail: shown(detail) })),
    ...(unreadable ? [{ label: '$(info) Skipped server records', detail: unreadableText(unreadable) }] : []),
  ];
  const last = stats.lastSyncAt === undefined ? 'never synced' : `last sync ${new Date(stats.lastSyncAt).toLocaleString()}`;
  const picked = await vscode.window.showQuickPick(items, {
    title: `FocusFlow Sync: ${queueSummary(stats)}, ${last}`,
    placeHolder: stats.lastError ? `Last error: ${shown(stats.lastError)}` : 'Choose an action',
  });
  if (picked?.command) await vscode.commands.executeCommand(picked.command);
}

function isArgs(arg: unknown): arg is Record<string, unknown> {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg);
}
