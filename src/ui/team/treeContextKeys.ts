import * as vscode from 'vscode';
import type { TeamSummary } from '../../core/team/teams';

/**
 * The context keys the Team view's welcome content, menus and command palette depend on. VS Code
 * cannot be asked for a context key's value, so the last values set are kept for tests.
 */
export class TeamContextKeys {
  private readonly values = new Map<string, boolean>();

  update(o: { connected: boolean; restoring: boolean; teams: readonly TeamSummary[] }): void {
    const active = o.teams.find((t) => t.active);
    this.set('focusflow.connected', o.connected);
    this.set('focusflow.restoring', o.restoring);
    this.set('focusflow.hasTeam', o.connected && o.teams.length > 0);
    this.set('focusflow.canManageTeam', o.connected && (active?.role === 'Owner' || active?.role === 'Admin'));
  }

  snapshot(): Readonly<Record<string, boolean>> {
    return Object.fromEntries(this.values);
  }

  private set(key: string, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
