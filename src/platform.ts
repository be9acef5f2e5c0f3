import type * as vscode from 'vscode';
import type { Clock } from './core/clock';
import type { SharedActivity } from './core/focus/sharedActivity';
import type { Logger } from './core/logger';
import type { StoragePort } from './core/store';

/**
 * What differs between the hosts FocusFlow runs in, chosen once by the entry point (`extension.ts` for
 * VS Code's Node extension host, `web.ts` for the browser's web worker host) and handed to the one
 * composition root. Everything else is the same code in both.
 */
export interface Platform {
  /** Named in the log line at activation. */
  readonly host: 'node' | 'web';
  /** The database's files in `folder`: a local disk with fsync and a lock file, or vscode.workspace.fs with Web Locks. */
  openStorage(folder: vscode.Uri, options: { lockName: string; logger: Logger }): StoragePort;
  /** How this window shares "the user did something" with the user's other windows. */
  sharedActivity(folder: vscode.Uri, clock: Clock): SharedActivity & { dispose?(): void };
}
