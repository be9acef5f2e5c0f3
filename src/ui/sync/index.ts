import * as vscode from 'vscode';
import { version } from '../../../package.json';
import { systemClock } from '../../core/clock';
import type { FocusService } from '../../core/focus/focusService';
import type { Logger } from '../../core/logger';
import { createEntityRegistry } from '../../core/models';
import type { Store } from '../../core/store';
import { SyncEngine } from '../../core/sync/engine';
import { AutoShare, type SharingContext } from '../../core/sync/sharing';
import type { ConnectionService } from '../../core/team/connection';
import type { Feedback } from '../commandErrors';
import { registerSyncCommands } from './commands';
import { SyncStatusBar } from './statusBar';
import { readAutoShare, readSyncSettings } from './syncSettings';

export interface SyncDeps {
  store: Store;
  connection: ConnectionService;
  focus: FocusService;
  logger: Logger;
  feedback: Feedback;
  /** Resolves once a sign-in being restored at start has finished (bounded): commands wait on it. */
  signedIn: () => Promise<unknown>;
}

/** What `registerSync` hands back: a Disposable, plus what the composition root may expose to tests. */
export interface SyncRegistration {
  dispose(): Promise<void>;
  engine: SyncEngine;
  /** The sync indicator's text, undefined while hidden. */
  indicatorText(): string | undefined;
  /** The sync indicator's tooltip, undefined while hidden. */
  indicatorTooltip(): string | undefined;
  /** Every text the indicator showed, oldest first. */
  indicatorHistory(): readonly string[];
}

/** A local change goes out this soon after it was made, unless a run is due earlier anyway. */
const PUSH_SOON_MS = 1_500;

/** The sync engine, its commands, the status bar indicator and auto-share, ready to add to the composition root. */
export function registerSync(d: SyncDeps): SyncRegistration {
  const engine = new SyncEngine({
    store: d.store,
    connection: d.connection,
    registry: createEntityRegistry(),
    logger: d.logger,
    clock: systemClock,
    settings: readSyncSettings,
    reader: version,
  });
  const sharing: SharingContext = {
    store: d.store,
    clock: systemClock,
    queue: () => engine.queue(),
    onQueued: () => {
      if (readSyncSettings().intervalSeconds > 0) engine.schedule('local change', PUSH_SOON_MS);
    },
  };
  const statusBar = new SyncStatusBar(engine);
  const parts: vscode.Disposable[] = [
    registerSyncCommands({ engine, connection: d.connection, store: d.store, sharing, feedback: d.feedback, signedIn: d.signedIn }),
    new AutoShare({ focusChanges: d.focus.onDidChange, enabled: readAutoShare, connection: d.connection, sharing, logger: d.logger }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('focusflow.sync.intervalSeconds') && readSyncSettings().intervalSeconds > 0) engine.schedule('settings changed', 0);
    }),
    statusBar,
  ];
  return {
    engine,
    indicatorText: () => statusBar.visibleText(),
    indicatorTooltip: () => statusBar.visibleTooltip(),
    indicatorHistory: () => statusBar.history(),
    // The composition root awaits this: a run in flight finishes its store writes before the store closes.
    dispose: async () => {
      for (const p of parts.reverse()) p.dispose();
      engine.dispose();
      await engine.idle();
    },
  };
}
