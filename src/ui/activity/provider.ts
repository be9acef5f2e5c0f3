import * as vscode from 'vscode';
import { msUntilNextLocalDay, type RangeDays } from '../../core/activity';
import type { Event } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { Store } from '../../core/store';
import type { ConnectionState } from '../../core/team/connection';
import { acceptWebviewMessage, type ActivityPage, type HostMessage, type WebviewMessage } from '../../webview/protocol';
import { DAILY_GOAL_SETTING, readDailyGoalMinutes } from '../focus/dailyGoal';
import { activityHtml, createNonce } from './html';
import { activityMessage } from './source';

export const ACTIVITY_VIEW_ID = 'focusflow.activity';

/** Bursts of sync changes (a pull of many rows) repaint once. */
const REFRESH_DELAY_MS = 150;

export interface ActivitySources {
  extensionUri: vscode.Uri;
  store: Store;
  connection: { readonly state: ConnectionState; readonly onDidChange: Event<ConnectionState> };
  logger: Logger;
}

/**
 * Hosts the Activity webview: serves its page, answers its messages and repaints it when the data or
 * the connection changes. While the view is hidden nothing is computed; it catches up when shown.
 */
export class ActivityViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private rangeDays: RangeDays = 7;
  /** Undefined until the user picks one: in a team, the team's page shows. */
  private page: ActivityPage | undefined;
  /** A range asked for before the webview was up; it wins over the one the webview remembers. */
  private requestedRange: RangeDays | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** "Today" turns into "yesterday" at midnight with no data change: the view repaints then. */
  private midnight: ReturnType<typeof setTimeout> | undefined;
  private stale = false;
  private readonly subscriptions: { dispose(): unknown }[] = [];
  /** What the webview said and was last sent, for tests: VS Code offers no API to look into a webview. */
  readonly probe: { readyMessages: number; lastDelivered: HostMessage | undefined } = { readyMessages: 0, lastDelivered: undefined };

  constructor(
    private readonly sources: ActivitySources,
    /** Fires when sync (or anything else) changed teams, members or shared sessions. */
    onDidChangeData: Event<unknown>,
  ) {
    this.subscriptions.push(
      onDidChangeData(() => this.scheduleRefresh()),
      sources.connection.onDidChange(() => this.scheduleRefresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(DAILY_GOAL_SETTING)) this.scheduleRefresh();
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const { extensionUri } = this.sources;
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    view.webview.html = activityHtml({
      cspSource: view.webview.cspSource,
      nonce: createNonce(),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'activity.css')).toString(),
    });
    const listeners = [
      view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      view.onDidChangeVisibility(() => {
        if (view.visible && this.stale) this.refresh();
      }),
    ];
    view.onDidDispose(() => {
      listeners.forEach((l) => l.dispose());
      if (this.view === view) this.view = undefined;
    });
  }

  /** Shows the team page for the given range, as the `focusflow.getTeamActivity` command asks from the palette. */
  showRange(rangeDays: RangeDays): void {
    this.rangeDays = rangeDays;
    this.page = 'team';
    // A hidden view's page is gone and will say "ready" with the range it remembers: this one wins.
    if (!this.view?.visible) this.requestedRange = rangeDays;
    this.refresh();
  }

  private receive(raw: unknown): void {
    const message = acceptWebviewMessage(raw, (line) => this.sources.logger.warn(line));
    if (message) this.handle(message);
  }

  private handle(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.probe.readyMessages++;
        this.rangeDays = this.requestedRange ?? message.rangeDays;
        if (this.requestedRange === undefined && message.page) this.page = message.page;
        this.requestedRange = undefined;
        this.refresh();
        return;
      case 'setRange':
        this.rangeDays = message.rangeDays;
        this.refresh();
        return;
      case 'setPage':
        this.page = message.page;
        this.refresh();
        return;
      case 'run':
        void vscode.commands.executeCommand(message.command);
        return;
    }
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, REFRESH_DELAY_MS);
  }

  private refresh(): void {
    const view = this.view;
    if (!view?.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const message = this.message();
    void view.webview.postMessage(message).then((delivered) => {
      if (delivered) this.probe.lastDelivered = message;
    });
    if (this.midnight) clearTimeout(this.midnight);
    this.midnight = setTimeout(() => this.refresh(), msUntilNextLocalDay(Date.now()) + 1000);
  }

  private message(): HostMessage {
    try {
      return activityMessage(this.sources.store, this.sources.connection.state, { rangeDays: this.rangeDays, page: this.page, goalMinutes: readDailyGoalMinutes() });
    } catch (err) {
      this.sources.logger.error(err instanceof Error ? err : String(err));
      return { type: 'error', message: `${(err as Error).message ?? err}. Details are in the FocusFlow log.` };
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.midnight) clearTimeout(this.midnight);
    this.subscriptions.forEach((s) => s.dispose());
  }
}
