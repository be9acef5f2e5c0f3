import * as vscode from 'vscode';
import type { FocusHistory, FocusService } from '../../core/focus/focusService';
import type { FocusSession } from '../../core/focus/session';
import { MAX_MINUTES, parseMinutes } from '../../core/focus/validation';
import { type Feedback, guarded } from '../commandErrors';
import { readFocusSettings } from './focusSettings';
import { showHistoryPick } from './history';

/** Every focus command; while the database is unavailable each answers with why. */
export const focusCommandIds = [
  'focusflow.startFocus',
  'focusflow.pauseFocus',
  'focusflow.resumeFocus',
  'focusflow.stopFocus',
  'focusflow.cancelFocus',
  'focusflow.startBreak',
  'focusflow.showHistory',
  'focusflow.showFocusMenu',
] as const;

type FocusCommandId = (typeof focusCommandIds)[number];

/**
 * Each command is also an API: it takes an optional argument object, prompts only for what the caller
 * left out, and resolves to a plain result (the session, the history) or undefined when the user backed
 * out or the call was refused (the refusal is shown as a message).
 */
export function registerFocusCommands(focus: FocusService, feedback: Feedback): vscode.Disposable {
  const run = <T>(body: () => Promise<T | undefined>) => guarded(feedback, body);
  const handlers: Record<FocusCommandId, (arg?: unknown) => Promise<unknown>> = {
    'focusflow.startFocus': (arg) =>
      run(async () => {
        const input = argObject(arg);
        // Asking for a length only to refuse it would waste the user's time: with a session running, the
        // start refuses at once and says why.
        if (input.minutes === undefined && focus.refusesStart()) return focus.start({ label: input.label });
        const minutes = input.minutes ?? (await pickMinutes());
        return minutes === undefined ? undefined : focus.start({ minutes, label: input.label });
      }),
    'focusflow.pauseFocus': () => run(() => focus.pause()),
    'focusflow.resumeFocus': () => run(() => focus.resume()),
    'focusflow.stopFocus': () => run(() => focus.stop()),
    'focusflow.cancelFocus': () => run(() => focus.cancel()),
    'focusflow.startBreak': (arg) =>
      run(() => {
        const input = argObject(arg);
        return focus.startBreak({ long: input.long, minutes: input.minutes });
      }),
    'focusflow.showHistory': () =>
      run<FocusHistory>(async () => {
        const history = focus.history();
        showHistoryPick(history);
        return history;
      }),
    'focusflow.showFocusMenu': () => run(() => showMenu(focus.current())),
  };
  return vscode.Disposable.from(...focusCommandIds.map((id) => vscode.commands.registerCommand(id, handlers[id])));
}

/** Anything but an object (a tree item, a string from a keybinding) counts as "no arguments". */
function argObject(arg: unknown): Record<string, unknown> {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? (arg as Record<string, unknown>) : {};
}

async function pickMinutes(): Promise<number | undefined> {
  const preferred = readFocusSettings().focusMinutes;
  const lengths = [...new Set([preferred, 25, 50])];
  const items = [
    ...lengths.map((m) => ({ label: `$(clock) ${m} minutes`, description: m === preferred ? 'default' : undefined, minutes: m })),
    { label: '$(edit) Custom…', description: `1 to ${MAX_MINUTES} minutes`, minutes: undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'FocusFlow: Start Focus Session', placeHolder: 'How long do you want to focus?' });
  if (!picked) return undefined;
  if (picked.minutes !== undefined) return picked.minutes;
  const typed = await vscode.window.showInputBox({
    title: 'FocusFlow: Custom Focus Length',
    prompt: `Minutes to focus, 1 to ${MAX_MINUTES}`,
    value: String(preferred),
    validateInput: (text) => {
      try {
        parseMinutes(text);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return typed === undefined ? undefined : parseMinutes(typed);
}

interface Action extends vscode.QuickPickItem {
  command: FocusCommandId;
}

/** The status bar's click menu: only the actions that fit the current state. */
async function showMenu(current: FocusSession | undefined): Promise<unknown> {
  const actions: Action[] = [];
  if (!current) {
    actions.push({ label: '$(play) Start Focus Session', command: 'focusflow.startFocus' });
    actions.push({ label: '$(coffee) Start Break', command: 'focusflow.startBreak' });
  } else {
    if (current.state === 'running') actions.push({ label: '$(debug-pause) Pause', command: 'focusflow.pauseFocus' });
    if (current.state === 'paused') actions.push({ label: '$(debug-continue) Resume', command: 'focusflow.resumeFocus' });
    if (current.kind === 'focus') {
      actions.push({ label: '$(check) Stop and Count as Done', command: 'focusflow.stopFocus' });
      actions.push({ label: '$(close) Cancel Session', description: 'not counted', command: 'focusflow.cancelFocus' });
    } else {
      actions.push({ label: '$(play) End Break and Start Focus', command: 'focusflow.startFocus' });
      actions.push({ label: '$(close) Cancel Break', command: 'focusflow.cancelFocus' });
    }
  }
  actions.push({ label: '$(history) Show History', command: 'focusflow.showHistory' });
  const picked = await vscode.window.showQuickPick(actions, { title: 'FocusFlow', placeHolder: 'Choose an action' });
  return picked && vscode.commands.executeCommand(picked.command);
}
