import * as vscode from 'vscode';
import type { SyncEngine } from '../../core/sync/engine';
import type { SyncIndicator, SyncStatus } from '../../core/sync/engineStatus';
import { heldLines, heldWho } from '../../core/sync/heldChanges';
import type { QueueStats } from '../../core/sync/queue';
import { readStatusBarMode } from '../focus/focusSettings';

const HISTORY = 200;

/**
 * The sync indicator, beside the focus timer and apart from it. It follows `focusflow.statusBar.mode`
 * like the timer (full, icon only, hidden) and stays hidden while no team server is connected, so
 * solo users never see it. Clicking it opens the sync status.
 */
export class SyncStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('focusflow.sync', vscode.StatusBarAlignment.Left, 99);
  private readonly subscriptions: vscode.Disposable[];
  private readonly shown: string[] = [];

  constructor(private readonly engine: SyncEngine) {
    this.item.name = 'FocusFlow Sync';
    this.item.command = 'focusflow.getSyncStatus';
    this.subscriptions = [
      new vscode.Disposable(engine.onDidChangeStatus((status) => this.render(status)).dispose),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('focusflow.statusBar.mode')) this.render(engine.status());
      }),
    ];
    this.render(engine.status());
  }

  /** What the indicator shows now, undefined while hidden (for the integration tests' API). */
  visibleText(): string | undefined {
    return readStatusBarMode() === 'hidden' || this.engine.status().indicator.state === 'not-connected' ? undefined : this.item.text;
  }

  /** Its tooltip while shown (the integration tests' API: VS Code offers none to read status bar items). */
  visibleTooltip(): string | undefined {
    return this.visibleText() === undefined ? undefined : (this.item.tooltip as string | undefined);
  }

  /** Every text it showed, oldest first (the last 200), so a test can see a state that lasted a moment. */
  history(): readonly string[] {
    return this.shown;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private render(status: SyncStatus): void {
    const mode = readStatusBarMode();
    const { indicator } = status;
    if (mode === 'hidden' || indicator.state === 'not-connected') {
      this.item.hide();
      return;
    }
    const { icon, words } = describe(indicator);
    this.item.text = mode === 'icon' ? icon : `${icon} ${words}`;
    const tooltip = tooltipFor(status);
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: tooltip, role: 'button' };
    this.item.backgroundColor = indicator.state === 'failed' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    if (this.shown[this.shown.length - 1] !== this.item.text) {
      this.shown.push(this.item.text);
      if (this.shown.length > HISTORY) this.shown.shift();
    }
  }
}

function describe(i: SyncIndicator): { icon: string; words: string } {
  switch (i.state) {
    case 'not-connected':
      return { icon: '$(cloud)', words: 'Not connected' };
    case 'offline':
      return { icon: '$(debug-disconnect)', words: 'Offline' };
    case 'syncing':
      return { icon: '$(sync~spin)', words: 'Syncing' };
    case 'failed':
      return { icon: '$(warning)', words: `${i.count} failed` };
    case 'error':
      return { icon: '$(warning)', words: 'Sync error' };
    case 'pending':
      return { icon: '$(cloud-upload)', words: String(i.count) };
    case 'up-to-date':
      return { icon: '$(check)', words: 'Synced' };
  }
}

function tooltipFor({ indicator, stats, unreadable }: SyncStatus): string {
  const headline: Record<SyncIndicator['state'], string> = {
    'not-connected': 'not connected to a team server',
    offline: `offline: ${indicator.state === 'offline' ? indicator.reason : ''}`,
    syncing: 'syncing now',
    failed: 'some changes were refused',
    error: "the last sync failed, so teammates' changes may be missing",
    pending: 'changes waiting to be sent',
    'up-to-date': 'up to date',
  };
  const lines = [
    `FocusFlow sync: ${headline[indicator.state]}`,
    `Last sync: ${stats.lastSyncAt === undefined ? 'never' : new Date(stats.lastSyncAt).toLocaleString()}`,
    `Queue: ${queueSummary(stats)}, ${stats.synced} sent in total`,
    ...heldLines(stats.heldFor),
  ];
  if (stats.lastError) lines.push(`Last error: ${stats.lastError}`);
  if (unreadable) lines.push(unreadableText(unreadable));
  lines.push('Click for details.');
  return lines.join('\n');
}

/** "2 pending, 1 waiting for ada@example.com, 0 failed": changes held for another account are not this one's pending. */
export function queueSummary(stats: QueueStats): string {
  const waiting = stats.held > 0 ? `, ${stats.held} waiting for ${heldWho(stats.heldFor)}` : '';
  return `${stats.pending - stats.held} pending${waiting}, ${stats.failed} failed`;
}

/** Skipped server records, for the tooltip and the status quick pick. */
export function unreadableText({ count, reason }: { count: number; reason: string }): string {
  const records = count === 1 ? '1 record' : `${count} records`;
  return `Skipped ${records} from the server that this version of FocusFlow cannot read (an update of the extension reads them again): ${reason}`;
}
