import * as vscode from 'vscode';
import { concatBytes } from '../../core/bytes';
import { nextTurn } from '../../core/nextTurn';
import { ExportError, exportHistory, parseExportFormat, type ExportSink } from '../../core/focus/exportHistory';
import type { ExportFormat } from '../../core/focus/exportFormat';
import type { Store } from '../../core/store';
import { type Feedback, guarded } from '../commandErrors';

export const EXPORT_COMMAND_ID = 'focusflow.exportHistory';

export interface ExportArgs {
  format?: unknown;
  /** A vscode.Uri or its string form. */
  uri?: unknown;
  includeShared?: unknown;
}

function parseUri(value: unknown): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value.length > 0) {
    try {
      return value.includes('://') || value.startsWith('file:') ? vscode.Uri.parse(value, true) : vscode.Uri.file(value);
    } catch {
      // Falls through to the error below.
    }
  }
  throw new ExportError('bad-target', `uri must be a file URI or path, not ${JSON.stringify(value)}.`);
}

async function ask(store: Store): Promise<{ format: ExportFormat; uri: vscode.Uri; includeShared: boolean } | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'CSV', description: 'opens in a spreadsheet', format: 'csv' as const },
      { label: 'JSON', description: 'for scripts and other tools', format: 'json' as const },
    ],
    { title: 'FocusFlow: Export Focus History', placeHolder: 'Which format?' },
  );
  if (!picked) return undefined;
  let includeShared = false;
  const shared = store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM shared_sessions s JOIN sessions l ON l.id = s.local_session_id')?.n ?? 0);
  if (shared > 0) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Your sessions', include: false },
        { label: 'Your sessions, with the teams you shared each with', include: true },
      ],
      { title: 'FocusFlow: Export Focus History', placeHolder: 'Include sharing?' },
    );
    if (!choice) return undefined;
    includeShared = choice.include;
  }
  const date = new Date().toISOString().slice(0, 10);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `focusflow-history-${date}.${picked.format}`;
  const uri = await vscode.window.showSaveDialog({
    title: 'Export Focus History',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: picked.format === 'csv' ? { 'CSV (comma-separated)': ['csv'] } : { JSON: ['json'] },
  });
  return uri ? { format: picked.format, uri, includeShared } : undefined;
}

/** Collects the chunks as bytes and writes the file once, through VS Code so remote folders work too. */
function memorySink(): ExportSink & { bytes(): Uint8Array } {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  return {
    write: async (text) => void parts.push(encoder.encode(text)),
    bytes: () => concatBytes(parts),
  };
}

/**
 * `focusflow.exportHistory`: the user's sessions to a CSV or JSON file. From the palette it asks for the
 * format and the file; from code it takes `{format, uri, includeShared?}` and resolves to the number of
 * rows written. Progress shows in a cancellable notification; the work yields between chunks.
 */
export function registerExportCommand(store: Store, feedback: Feedback): vscode.Disposable {
  return vscode.commands.registerCommand(EXPORT_COMMAND_ID, (arg?: ExportArgs) =>
    guarded<number>(feedback, async () => {
      let request;
      try {
        request = arg
          ? { format: parseExportFormat(arg.format), uri: parseUri(arg.uri), includeShared: arg.includeShared === true }
          : await ask(store);
      } catch (err) {
        if (!(err instanceof ExportError)) throw err;
        void vscode.window.showWarningMessage(`FocusFlow: cannot export: ${err.message}`);
        return undefined;
      }
      if (!request) return undefined;
      const { format, uri, includeShared } = request;
      const sink = memorySink();
      const rows = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'FocusFlow: exporting focus history', cancellable: true },
        (progress, token) => {
          let reported = 0;
          return exportHistory((fn) => store.read(fn), sink, { format, includeShared }, {
            yieldTurn: nextTurn,
            progress(written, total) {
              if (token.isCancellationRequested) throw new ExportError('cancelled', 'Export cancelled; no file was written.');
              const share = (written / total) * 100;
              progress.report({ increment: share - reported, message: `${written} of ${total} sessions` });
              reported = share;
            },
          });
        },
      ).then(
        (n) => n,
        (err: unknown) => {
          if (err instanceof ExportError && err.code === 'cancelled') return undefined;
          throw err;
        },
      );
      if (rows === undefined) return undefined;
      try {
        await vscode.workspace.fs.writeFile(uri, sink.bytes());
      } catch (err) {
        feedback.logger.error(`Export to ${uri.toString(true)} failed: ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`FocusFlow could not write ${uri.fsPath || uri.toString(true)}: ${(err as Error).message}. Choose another folder and try again.`);
        return undefined;
      }
      feedback.logger.info(`Exported ${rows} sessions as ${format} to ${uri.toString(true)}`);
      if (!arg) {
        void vscode.window.showInformationMessage(`FocusFlow: exported ${rows} sessions to ${uri.fsPath || uri.toString(true)}.`, 'Open File').then((picked) => {
          if (picked) void vscode.commands.executeCommand('vscode.open', uri);
        });
      }
      return rows;
    }),
  );
}
