import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { systemClock } from './core/clock';
import { ActivityBeacon } from './core/focus/activityBeacon';
import { FocusService } from './core/focus/focusService';
import { Store, StoreError } from './core/store';
import { type Feedback, showErrorWithLog } from './ui/commandErrors';
import { ActivityTracker } from './ui/focus/activity';
import { focusCommandIds, registerFocusCommands } from './ui/focus/commands';
import { readFocusSettings } from './ui/focus/focusSettings';
import { notifySessionEnds } from './ui/focus/notifications';
import { FocusStatusBar } from './ui/focus/statusBar';
import { FocusTicker } from './ui/focus/ticker';
import { createLogger } from './ui/logger';
import { registerUnavailableCommands } from './ui/unavailable';

/** What `activate()` resolves to: enough for the integration tests to find and observe the extension. */
export interface FocusFlowApi {
  storagePath: string;
  dbPath: string;
  /** The status bar item's text, undefined while hidden: VS Code offers no API to read status bar items. */
  statusBarText(): string | undefined;
}

/** The parts of the context activation uses; tests re-activate the module with just these. */
export type ActivationContext = Pick<vscode.ExtensionContext, 'extensionUri' | 'globalStorageUri' | 'subscriptions'>;

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
    const { logger, channel } = createLogger();
    this.add(channel);
    const feedback: Feedback = { logger, showLog: () => channel.show(true) };
    const started = performance.now();

    let opened: Awaited<ReturnType<typeof Store.open>>;
    try {
      const wasmBinary = fs.readFileSync(vscode.Uri.joinPath(context.extensionUri, 'dist', 'sql-wasm.wasm').fsPath);
      opened = await Store.open({ file: dbPath, logger, wasmBinary });
    } catch (err) {
      const reason =
        err instanceof StoreError
          ? `FocusFlow: ${err.message}`
          : `FocusFlow could not open its database ${dbPath} (${(err as Error).message}). Reinstall the extension or reload the window; details are in the FocusFlow log.`;
      logger.error(reason);
      showErrorWithLog(feedback, reason);
      this.add(registerUnavailableCommands(focusCommandIds, feedback, reason));
      return { storagePath, dbPath, statusBarText: () => undefined };
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
    const statusBar = this.add(new FocusStatusBar(focus));
    this.add(new FocusTicker(focus, statusBar, activity, logger));
    this.add(notifySessionEnds(focus));
    this.add(registerFocusCommands(focus, feedback));
    logger.info(`Activated in ${Math.round(performance.now() - started)} ms; database ${dbPath}`);
    return { storagePath, dbPath, statusBarText: () => statusBar.visibleText() };
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

let current: Composition | undefined;

export async function activate(context: ActivationContext): Promise<FocusFlowApi> {
  // A second activation of this module (the tests' deactivate/activate cycle) starts from a clean slate.
  await current?.dispose();
  const composition = new Composition();
  current = composition;
  context.subscriptions.push({ dispose: () => void composition.dispose() });
  return composition.build(context);
}

/** Lets queued writes reach the disk and releases the database. */
export async function deactivate(): Promise<void> {
  const composition = current;
  current = undefined;
  await composition?.dispose();
}
