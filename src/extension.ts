import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { systemClock } from './core/clock';
import { ActivityBeacon } from './core/focus/activityBeacon';
import { FocusService } from './core/focus/focusService';
import { Store, StoreError } from './core/store';
import { createNodeStorage } from './core/store/nodeStorage';
import { ConnectionService, type ConnectionState } from './core/team/connection';
import { TrailBaseClient } from './core/trailbase';
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
import { registerTeam, type TeamViewProbe } from './ui/team';
import { teamCommandIds } from './ui/team/teamCommands';
import { registerUnavailableCommands } from './ui/unavailable';

/** What `activate()` resolves to: enough for the integration tests to find and observe the extension. */
export interface FocusFlowApi {
  storagePath: string;
  dbPath: string;
  /** Where this extension host writes its logs (the FocusFlow channel among them). */
  logPath: string;
  /** The same places as URIs: `file:` in the Node host, `vscode-remote:` or the browser's own in a web worker. */
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

interface Part {
  dispose(): unknown;
}

/** The composition root: builds every service once and takes them down in reverse order. */
class Composition {
  private readonly parts: Part[] = [];
  private disposed: Promise<void> | undefined;

  async build(context: ActivationContext): Promise<FocusFlowApi> {
    const storagePath = context.globalStorageUri.fsPath;
    const dbPath = path.join(storagePath, 'focusflow.sqlite');
    const logPath = context.logUri.fsPath;
    const uris = { storageUri: context.globalStorageUri, dbUri: vscode.Uri.joinPath(context.globalStorageUri, 'focusflow.sqlite'), logUri: context.logUri, lifecycle };
    if (!log) {
      log = createLogger();
      context.subscriptions.push(log.channel);
    }
    const { logger, channel } = log;
    const feedback: Feedback = { logger, showLog: () => channel.show(true) };
    const started = performance.now();

    let opened: Awaited<ReturnType<typeof Store.open>>;
    try {
      const wasmBinary = fs.readFileSync(vscode.Uri.joinPath(context.extensionUri, 'dist', 'sql-wasm.wasm').fsPath);
      // The Node host keeps the database on the local disk (fsync, rename, a lock file); a browser host
      // would pass a port over vscode.workspace.fs here.
      const storage = createNodeStorage(storagePath, { lockName: 'focusflow.sqlite.lock' });
      opened = await Store.open({ file: dbPath, logger, wasmBinary, storage });
    } catch (err) {
      const reason =
        err instanceof StoreError
          ? `FocusFlow: ${err.message}`
          : `FocusFlow could not open its database ${dbPath} (${(err as Error).message}). Reinstall the extension or reload the window; details are in the FocusFlow log.`;
      logger.error(reason);
      showErrorWithLog(feedback, reason);
      this.add(registerUnavailableCommands([...focusCommandIds, ...connectCommandIds, ...syncCommandIds, ...teamCommandIds, 'focusflow.getTeamActivity', EXPORT_COMMAND_ID], feedback, reason));
      return {
        storagePath,
        dbPath,
        logPath,
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
    const beacon = new ActivityBeacon(path.join(storagePath, 'focusflow.activity'), systemClock);
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

    logger.info(`Activated in ${Math.round(performance.now() - started)} ms; database ${dbPath}`);
    return {
      storagePath,
      dbPath,
      logPath,
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
let current: Composition | undefined;
/** The newest activation's view; its paths stay readable after deactivate(), its live parts do not. */
let latest: FocusFlowApi | undefined;

/**
 * What activate() hands out. VS Code keeps the first activation's exports forever, so this object reads
 * the newest instance: after the module is deactivated and activated again it describes the new one.
 */
const api: FocusFlowApi = {
  get storagePath() {
    return requireLatest().storagePath;
  },
  get dbPath() {
    return requireLatest().dbPath;
  },
  get logPath() {
    return requireLatest().logPath;
  },
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

export async function activate(context: ActivationContext): Promise<FocusFlowApi> {
  // A second activation of this module (the tests' deactivate/activate cycle) starts from a clean slate.
  await deactivate();
  const composition = new Composition();
  current = composition;
  context.subscriptions.push({ dispose: () => void composition.dispose() });
  latest = await composition.build(context);
  return api;
}

/** Lets queued writes reach the disk and releases the database. */
export async function deactivate(): Promise<void> {
  const composition = current;
  current = undefined;
  await composition?.dispose();
}

const lifecycle = { activate, deactivate };
