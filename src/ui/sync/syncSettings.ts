import * as vscode from 'vscode';
import type { ConflictStrategy } from '../../core/sync/conflict';
import type { SyncSettings } from '../../core/sync/engine';

const strategies: Record<string, ConflictStrategy> = {
  lastWriteWins: 'LastWriteWins',
  localWins: 'LocalWins',
  remoteWins: 'RemoteWins',
  customMerge: 'CustomMerge',
};

/** The `focusflow.sync.*` settings, read fresh (the engine asks at every run); bad values fall back to defaults. */
export function readSyncSettings(): SyncSettings {
  const c = vscode.workspace.getConfiguration('focusflow');
  return {
    intervalSeconds: whole(c.get('sync.intervalSeconds'), 120, 0, 86_400),
    conflictStrategy: strategies[String(c.get('sync.conflictStrategy'))] ?? 'LastWriteWins',
    maxAttempts: whole(c.get('sync.maxAttempts'), 8, 1, 100),
    batchSize: whole(c.get('sync.batchSize'), 50, 1, 128),
  };
}

/** `focusflow.server.timeoutSeconds` in ms, read at every request so a change applies at once. */
export function readServerTimeoutMs(): number {
  return whole(vscode.workspace.getConfiguration('focusflow').get('server.timeoutSeconds'), 15, 1, 300) * 1000;
}

export function readAutoShare(): boolean {
  return vscode.workspace.getConfiguration('focusflow').get('sharing.autoShare') === true;
}

function whole(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}
