import * as vscode from 'vscode';
import type { Platform } from '../platform';
import { ActivityBeacon } from './activityBeacon';
import { createNodeStorage } from './store/nodeStorage';

/** VS Code's Node extension host (desktop, remote SSH/containers/WSL, Codespaces' server side). */
export const nodePlatform: Platform = {
  host: 'node',
  openStorage: (folder, { lockName }) => createNodeStorage(folder.fsPath, { lockName }),
  sharedActivity: (folder, clock) => new ActivityBeacon(vscode.Uri.joinPath(folder, 'focusflow.activity').fsPath, clock),
};
