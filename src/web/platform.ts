import type { Platform } from '../platform';
import { BroadcastActivity } from './broadcastActivity';
import { createWorkspaceStorage } from './workspaceStorage';

/** The browser's web worker extension host (vscode.dev, github.dev, code-server and Codespaces in a browser). */
export const webPlatform: Platform = {
  host: 'web',
  // Web Locks are per site, shared by every profile on it: the folder in the name keeps profiles apart.
  openStorage: (folder, { lockName, logger }) =>
    createWorkspaceStorage(folder, { lockName: `${lockName} ${folder.toString()}`, onUnorderedWrites: (message) => logger.warn(message) }),
  sharedActivity: (_folder, clock) => new BroadcastActivity('focusflow.activity', clock),
};
