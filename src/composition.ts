// The one composition root: every service is built here once, in order, and taken down in reverse.
// Which host it runs in (Node or a browser's web worker) comes in as a Platform from the entry point.
import * as vscode from 'vscode';
import type { ActivationContext, FocusFlowApi } from './api';
import { systemClock } from './core/clock';
import { FocusService } from './core/focus/focusService';
import { Store, StoreError } from './core/store';
import { ConnectionService } from './core/team/connection';
import { TrailBaseClient } from './core/trailbase';
import type { Platform } from './platform';
import { type Feedback, showErrorWithLog } from './ui/commandErrors';
import { ActivityTracker } from './ui/focus/activity';
import { focusCommandIds, registerFocusCommands } from './ui/focus/commands';
import { readFocusSettings } from './ui/focus/focusSettings';
import { notifySessionEnds } from './ui/focus/notifications';
import { DailyGoal } from './ui/focus/dailyGoal';
import { EXPORT_COMMAND_ID, registerExportCommand } from './ui/focus/exportCommand';
import { FocusStatusBar } from './ui/focus/statusBar';
import { FocusTicker } from './ui/focus/ticker';
import { createLogger } from './ui/logger';
import { connectCommandIds, registerConnectCommands } from './ui/team/connectCommands';
import { SecretTokenStore } from './ui/team/secretTokenStore';
import { registerActivity } from './ui/activity';
import { registerSync } from './ui/sync';
import { syncCommandIds } from './ui/sync/commands';
import { readServerTimeoutMs } from './ui/sync/syncSettings';
import { registerTeam } from './ui/team';
import { teamCommandIds } from './ui/team/teamCommands';
import { registerUnavailableCommands } from './ui/unavailable';

interface Part {
  dispose(): unknown;
}

/** The composition root: builds every service once and takes them down in reverse order. */
class Composition {
  private readonly parts: Part[] = [];
  private disposed: Promise<void> | undefined;

  constructor(private readonly platform: Platform) {}

  async build(context: ActivationContext, lifecycle: FocusFlowApi['lifecycle']): Promise<FocusFlowApi> {
    const { platform } = this;
    const dbUri = vscode.Uri.joinPath(context.globalStorageUri, 'focusflow.sqlite');
    // what the user is told: a path on a local disk, the URI of a browser's or a remote's storage
    const dbName = dbUri.scheme === 'file' ? dbUri.fsPath : dbUri.toString(true);
    const uris = { storageUri: context.globalStorageUri, dbUri, logUri: context.logUri, lifecycle };
    if (!log) {
      log = createLogger();
      context.subscriptions.push(log.channel);
    }
    const { logger, channel } = log;
    const feedback: Feedback = { logger, showLog: () => channel.show(true) };
    const started = performance.now();

    let opened: Awaited<ReturnType<typeof Store.open>>;
    try {
      // through vscode.workspace.fs: the same call reads the extension's own files in both hosts
      const wasmBinary = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', 'sql-wasm.wasm'));
      const storage = platform.openStorage(context.globalStorageUri, { lockName: 'focusflow.sqlite.lock', logger });
      opened = await Store.open({ file: dbName, logger, wasmBinary, storage });
    } catch (err) {
      const reason =
        err instanceof StoreError
          ? `FocusFlow: ${err.message}`
          : `FocusFlow could not open its database ${dbName} (${(err as Error).message}). Reinstall the extension or reload the window; details are in the FocusFlow log.`;
      logger.error(reason);
      showErrorWithLog(feedback, reason);
      this.add(registerUnavailableCommands([...focusCommandIds, ...connectCommandIds, ...syncCommandIds, ...teamCommandIds, 'focusflow.getTeamActivity', EXPORT_COMMAND_ID], feedback, reason));
      return {
        ...uris,
        statusBarText: () => undefined,
        statusBarTooltip: () => undefined,
        connectionStatus: () => 'unavailable',
        syncIndicator: () => undefined,
        teamView: () => undefined,
        activityView: () => undefined,
      };
    }

    const { store, recovered } = opened;
    this.add({ dispose: () => store.close() });
    if (recovered) {
      void vscode.window.showWarningMessage(
        `FocusFlow could not read its database (${recovered.reason}) and started a new one. The old file was kept as ${recovered.movedTo}.`,
      );
    }
    const beacon = platform.sharedActivity(context.globalStorageUri, systemClock);
    if (beacon.dispose) this.add({ dispose: () => beacon.dispose?.() });
    const focus = this.add(
      new FocusService({ store, logger, clock: systemClock, settings: readFocusSettings, lastActivity: () => beacon.lastActivity() }),
    );
    const activity = this.add(new ActivityTracker(beacon));
    const goal = this.add(new DailyGoal(store, focus, logger));
    const statusBar = this.add(new FocusStatusBar(focus, goal));
    this.add(new FocusTicker(focus, statusBar, activity, feedback));
    this.add(notifySessionEnds(focus));
    this.add(registerFocusCommands(focus, feedback));
    this.add(registerExportCommand(store, feedback));

    const connections = this.add(
      new ConnectionService({
        store,
        logger,
        clock: systemClock,
        createClient: (serverUrl) =>
          new TrailBaseClient({
            serverUrl,
            tokenStore: new SecretTokenStore(context.secrets, serverUrl),
            logger,
            timeoutMs: readServerTimeoutMs,
          }),
      }),
    );
    // Commands called while the stored sign-in is restored wait for it, as long as one server request may take.
    const signedIn = () => connections.settled(readServerTimeoutMs());
    const sync = this.add(registerSync({ store, connection: connections, focus, logger, feedback, signedIn }));
    const team = this.add(
      registerTeam({ store, connection: connections, syncedData: sync.engine.onDidChangeData, focus, logger, feedback, signedIn }),
    );
    this.add(registerConnectCommands(connections, feedback, () => team.afterSignIn()));
    // store.onDidChange too: windows that do not hold the sync lease learn of pulled rows through the file.
    const activityView = this.add(
      registerActivity({
        extensionUri: context.extensionUri,
        store,
        connection: connections,
        logger,
        feedback,
        signedIn,
        dataChanges: [sync.engine.onDidChangeData, store.onDidChange],
      }),
    );
    // Not awaited: reading the keychain can take a while on some desktops, and nothing here needs it yet.
    void connections.restore().catch((err: unknown) => logger.error(`Could not restore the team connection: ${(err as Error).message}`));

    logger.info(`Activated in ${Math.round(performance.now() - started)} ms (${platform.host} extension host); database ${dbName}`);
    return {
      ...uris,
      statusBarText: () => statusBar.visibleText(),
      statusBarTooltip: () => statusBar.visibleTooltip(),
      connectionStatus: () => connections.state.status,
      syncIndicator: () => ({ text: sync.indicatorText(), tooltip: sync.indicatorTooltip(), history: sync.indicatorHistory() }),
      teamView: () => team.view,
      activityView: () => activityView.probe,
    };
  }

  /** Idempotent: VS Code calls deactivate() and later disposes the context's subscriptions too. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      for (const part of this.parts.splice(0).reverse()) {
        try {
          await part.dispose();
        } catch (err) {
          console.error('FocusFlow: disposing failed', err);
        }
      }
    })();
    return this.disposed;
  }

  private add<T extends Part>(part: T): T {
    this.parts.push(part);
    return part;
  }
}

/**
 * The log channel outlives a deactivate() of this module: VS Code refuses writes to a log channel created
 * under a name whose previous channel was disposed a moment before ("Channel has been closed"), so a
 * second activation (the tests' cycle) keeps the first one. VS Code disposes it with the extension.
 */
let log: ReturnType<typeof createLogger> | undefined;

/** The module's activate() and deactivate() over one platform: each entry point makes one pair. */
export function createEntry(platform: Platform): FocusFlowApi['lifecycle'] {
  let current: Composition | undefined;
  /** The newest activation's view; its places (URIs) stay readable after deactivate(), its live parts do not. */
  let latest: FocusFlowApi | undefined;

  /**
   * What activate() hands out. VS Code keeps the first activation's exports forever, so this object reads
   * the newest instance: after the module is deactivated and activated again it describes the new one.
   */
  const api: FocusFlowApi = {
    get storageUri() {
      return requireLatest().storageUri;
    },
    get dbUri() {
      return requireLatest().dbUri;
    },
    get logUri() {
      return requireLatest().logUri;
    },
    get lifecycle() {
      return lifecycle;
    },
    statusBarText: () => (current ? latest?.statusBarText() : undefined),
    statusBarTooltip: () => (current ? latest?.statusBarTooltip() : undefined),
    connectionStatus: () => (current ? (latest?.connectionStatus() ?? 'unavailable') : 'unavailable'),
    syncIndicator: () => (current ? latest?.syncIndicator() : undefined),
    teamView: () => (current ? latest?.teamView() : undefined),
    activityView: () => (current ? latest?.activityView() : undefined),
  };

  function requireLatest(): FocusFlowApi {
    if (!latest) throw new Error('FocusFlow has not been activated');
    return latest;
  }

  async function activate(context: ActivationContext): Promise<FocusFlowApi> {
    // A second activation of this module (the tests' deactivate/activate cycle) starts from a clean slate.
    await deactivate();
    const composition = new Composition(platform);
    current = composition;
    context.subscriptions.push({ dispose: () => void composition.dispose() });
    latest = await composition.build(context, lifecycle);
    return api;
  }

  /** Lets queued writes reach the disk and releases the database. */
  async function deactivate(): Promise<void> {
    const composition = current;
    current = undefined;
    await composition?.dispose();
  }

  const lifecycle = { activate, deactivate };
  return lifecycle;
}
