import type * as vscode from 'vscode';
import type { ConnectionState } from './core/team/connection';
import type { TeamViewProbe } from './ui/team';

/** What `activate()` resolves to: enough for the integration tests to find and observe the extension. */
export interface FocusFlowApi {
  /**
   * The storage folder, the database, and where this extension host writes its logs (the FocusFlow
   * channel among them): `file:` in the Node host, `vscode-remote:` or the browser's own in a web worker.
   */
  storageUri: vscode.Uri;
  dbUri: vscode.Uri;
  logUri: vscode.Uri;
  /**
   * This module's own activate() and deactivate(), for tests that restart FocusFlow with a context of their
   * own: in a web worker there is no require() to reach the module that VS Code loaded.
   */
  lifecycle: { activate(context: ActivationContext): Promise<FocusFlowApi>; deactivate(): Promise<void> };
  /** The status bar item's text, undefined while hidden: VS Code offers no API to read status bar items. */
  statusBarText(): string | undefined;
  /** The status bar item's tooltip (with the daily goal's progress), undefined while hidden. */
  statusBarTooltip(): string | undefined;
  /** Whether the team connection is restored and signed in; never exposes the tokens themselves. */
  connectionStatus(): ConnectionState['status'] | 'unavailable';
  /** The sync indicator's text and tooltip (undefined while hidden) and every text it showed, oldest first. */
  syncIndicator(): { text: string | undefined; tooltip: string | undefined; history: readonly string[] } | undefined;
  /** The Team view's rows and context keys: VS Code offers no API to read a tree view. */
  teamView(): TeamViewProbe | undefined;
  /** How many times the Activity webview reported ready, and what it was last sent. */
  activityView(): { readyMessages: number; lastDelivered: unknown } | undefined;
}

/** The parts of the context activation uses; tests re-activate the module with just these. */
export type ActivationContext = Pick<vscode.ExtensionContext, 'extensionUri' | 'globalStorageUri' | 'subscriptions' | 'secrets' | 'logUri'>;
