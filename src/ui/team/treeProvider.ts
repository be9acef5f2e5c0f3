import * as vscode from 'vscode';
import type { Clock } from '../../core/clock';
import type { Store } from '../../core/store';
import { memberNodes, sessionNodes, teamNodes, type TeamTreeNode, type TeamViewer } from '../../core/team/teamTree';
import { present } from '../../core/team/teamTreeLabels';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

/**
 * The "Team" view: team → members → recent shared sessions, read from the local tables. It never asks
 * the server; `refresh()` is called when sync, a team command or the connection changes something.
 * Empty while not connected or in no team, so the view's welcome content shows instead.
 */
export class TeamTreeProvider implements vscode.TreeDataProvider<TeamTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TeamTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly o: {
      store: Store;
      clock: Clock;
      /** The signed-in user and active team, or undefined while not connected. */
      viewer(): TeamViewer | undefined;
      /** Until when a member (local user id) is focusing, when they share presence. */
      focusingUntil(userId: string): number | undefined;
    },
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: TeamTreeNode): vscode.TreeItem {
    const p = present(node, { nowMs: this.o.clock.now() });
    const item = new vscode.TreeItem(p.label, COLLAPSIBLE[p.collapsible]);
    // Stable ids keep what the user expanded across refreshes.
    item.id = node.kind === 'team' ? `team:${node.teamId}` : node.kind === 'member' ? `member:${node.memberId}` : `session:${node.memberId}:${node.sessionId}`;
    item.description = p.description;
    item.tooltip = p.tooltip;
    item.contextValue = p.contextValue;
    item.iconPath = new vscode.ThemeIcon(p.icon);
    item.accessibilityInformation = { label: p.accessibilityLabel };
    return item;
  }

  getChildren(node?: TeamTreeNode): TeamTreeNode[] {
    const viewer = this.o.viewer();
    if (!viewer) return [];
    return this.o.store.read((db) => {
      if (!node) return teamNodes(db, viewer);
      if (node.kind === 'team') return memberNodes(db, viewer, node, (userId) => this.o.focusingUntil(userId));
      if (node.kind === 'member') return sessionNodes(db, node);
      return [];
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
