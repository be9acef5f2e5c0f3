import * as vscode from 'vscode';
import { systemClock, type Clock } from '../../core/clock';
import type { Event } from '../../core/events';
import type { FocusChange } from '../../core/focus/focusService';
import type { FocusSession } from '../../core/focus/session';
import type { Logger } from '../../core/logger';
import type { Store } from '../../core/store';
import type { ConnectionService } from '../../core/team/connection';
import { Presence, presenceFor, presenceOf } from '../../core/team/presence';
import type { TeamTreeNode } from '../../core/team/teamTree';
import { TeamService } from '../../core/team/teams';
import type { Feedback } from '../commandErrors';
import { registerTeamCommands } from './teamCommands';
import { TeamContextKeys } from './treeContextKeys';
import { TeamTreeProvider } from './treeProvider';

export interface TeamDeps {
  store: Store;
  connection: ConnectionService;
  /** The sync engine's "local data changed" event (`SyncEngine.onDidChangeData`). */
  syncedData: Event<void>;
  /** The focus timer (`FocusService`): its sessions drive the user's own "focusing now", when shared. */
  focus: { readonly onDidChange: Event<FocusChange>; current(): FocusSession | undefined };
  logger: Logger;
  feedback: Feedback;
  /** Resolves once a sign-in being restored at start has finished (bounded): commands wait on it. */
  signedIn: () => Promise<unknown>;
  clock?: Clock;
}

/** One row of the Team view as the user sees it, for tests (VS Code offers no API to read a view). */
export interface TeamViewItem {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  expandable: boolean;
  node: TeamTreeNode;
}

export interface TeamViewProbe {
  /** The rows under `parent`, or the top rows. */
  items(parent?: TeamViewItem): TeamViewItem[];
  /** The context keys last set for the welcome views, menus and palette. */
  contextKeys(): Readonly<Record<string, boolean>>;
}

export interface TeamRegistration extends vscode.Disposable {
  view: TeamViewProbe;
  /** Loads the user's teams and chooses the active one right after signing in; resolves to its id. */
  afterSignIn(): Promise<string | undefined>;
}

/** The team commands, the "Team" tree view (`focusflow.team`) and its context keys. */
export function registerTeam(d: TeamDeps): TeamRegistration {
  const clock = d.clock ?? systemClock;
  const teams = new TeamService({ store: d.store, connection: d.connection, logger: d.logger });
  const presence = new Presence({ connection: d.connection, logger: d.logger, clock, enabled: sharesPresence });
  const tree = new TeamTreeProvider({
    store: d.store,
    clock,
    focusingUntil: (userId) => presence.focusingUntil(userId),
    viewer: () => {
      const userId = teams.userId;
      const activeTeamId = teams.activeTeamId;
      return userId ? { userId, ...(activeTeamId ? { activeTeamId } : {}) } : undefined;
    },
  });
  const keys = new TeamContextKeys();
  const refresh = () => {
    tree.refresh();
    const { status } = d.connection.state;
    keys.update({ connected: status === 'connected', restoring: status === 'restoring', teams: teams.teams() });
  };
  const publishCurrent = () => void presence.publish(presenceOf(d.focus.current()));
  const fillEmails = () =>
    void teams.fillMissingEmails().catch((err: unknown) => d.logger.debug(`Could not fetch teammates' emails: ${(err as Error).message}`));
  const view = vscode.window.createTreeView('focusflow.team', { treeDataProvider: tree, showCollapseAll: true });
  // "Last active 5 min ago" ages while nothing changes: repaint it each minute the view is on screen.
  const ageing = setInterval(() => view.visible && tree.refresh(), 60_000);
  const parts: vscode.Disposable[] = [
    view,
    { dispose: () => clearInterval(ageing) },
    tree,
    registerTeamCommands(teams, d.feedback, d.signedIn),
    teams.onDidChange(refresh),
    presence.onDidChange(() => tree.refresh()),
    d.connection.onDidChange(() => {
      refresh();
      fillEmails();
      // The active team may have changed: show its presence, and publish ours there.
      void presence.refresh();
      publishCurrent();
    }),
    d.syncedData(() => {
      refresh();
      fillEmails();
      void teams.keepActiveTeamCurrent().catch((err: unknown) => d.logger.warn(`Could not select a team: ${(err as Error).message}`));
      void presence.refresh();
    }),
    d.focus.onDidChange((change) => {
      const until = presenceFor(change);
      if (until !== undefined) void presence.publish(until);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('focusflow.sharing.presence')) return;
      if (sharesPresence()) publishCurrent();
      else void presence.withdraw();
    }),
    // Another window's sync changed the shared database file.
    d.store.onDidChange((e) => {
      if (e.origin === 'external') refresh();
    }),
  ];
  refresh();
  void presence.refresh();

  const toItem = (node: TeamTreeNode): TeamViewItem => {
    const item = tree.getTreeItem(node);
    return {
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      ...(typeof item.description === 'string' ? { description: item.description } : {}),
      ...(typeof item.tooltip === 'string' ? { tooltip: item.tooltip } : {}),
      ...(item.contextValue ? { contextValue: item.contextValue } : {}),
      expandable: item.collapsibleState !== vscode.TreeItemCollapsibleState.None,
      node,
    };
  };
  return {
    afterSignIn: () => teams.loadAfterSignIn(),
    view: {
      items: (parent) => tree.getChildren(parent?.node).map(toItem),
      contextKeys: () => keys.snapshot(),
    },
    dispose() {
      for (const p of parts.reverse()) p.dispose();
      presence.dispose();
      teams.dispose();
    },
  };
}

/** `focusflow.sharing.presence`: off unless the user turned it on. */
function sharesPresence(): boolean {
  return vscode.workspace.getConfiguration('focusflow').get<boolean>('sharing.presence', false) === true;
}
