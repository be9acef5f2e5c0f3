import type { RangeDays } from '../core/activity/types';
import { activityView } from './activityView';
import { h } from './dom';
import { emptyView, errorView } from './emptyView';
import { isHostMessage, isRangeDays, RENDERED_MARK, type HostMessage, type WebviewMessage, type WebviewState } from './protocol';
import { rangeSwitch } from './rangeSwitch';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let state = restore(vscode.getState());
/** A range the user chose that the host has not answered yet; older answers in flight are dropped. */
let awaiting: RangeDays | undefined;

function restore(saved: unknown): WebviewState {
  const s = (saved ?? {}) as Partial<WebviewState>;
  return { rangeDays: isRangeDays(s.rangeDays) ? s.rangeDays : 7, last: isHostMessage(s.last) ? s.last : undefined };
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function chooseRange(rangeDays: RangeDays): void {
  state = { ...state, rangeDays };
  awaiting = rangeDays;
  vscode.setState(state);
  post({ type: 'setRange', rangeDays });
  render();
}

function content(message: HostMessage | undefined): HTMLElement {
  if (!message) return h('p', { class: 'muted', role: 'status' }, 'Loading team activity…');
  switch (message.type) {
    case 'activity': {
      const view = activityView(message.activity, message.me, root.clientWidth);
      if (awaiting !== undefined) view.setAttribute('aria-busy', 'true');
      return view;
    }
    case 'empty':
      return emptyView(message.reason, message.detail, (command) => post({ type: 'run', command }));
    case 'error':
      return errorView(message.message);
  }
}

/** Rebuilds the view; keyboard focus stays on the control that had it. */
function render(): void {
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  const showsActivity = state.last?.type === 'activity';
  root.replaceChildren(
    ...(showsActivity ? [h('header', { class: 'toolbar' }, rangeSwitch(state.rangeDays, chooseRange))] : []),
    content(state.last),
  );
  if (focused) root.querySelector<HTMLElement>(`[data-focus-key="${focused}"]`)?.focus();
  if (state.last && performance.getEntriesByName(RENDERED_MARK).length === 0) performance.mark(RENDERED_MARK);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) return;
  if (message.type === 'activity') {
    const range = message.activity.range_days;
    if (awaiting !== undefined && range !== awaiting) return;
    // Otherwise the host decides the range (the command may have asked for another one).
    awaiting = undefined;
    state = { ...state, rangeDays: range };
  }
  state = { ...state, last: message };
  vscode.setState(state);
  render();
});

let lastWidth = root.clientWidth;
new ResizeObserver(() => {
  if (root.clientWidth === lastWidth) return;
  lastWidth = root.clientWidth;
  if (state.last?.type === 'activity') render();
}).observe(root);

// Ready first: even if the remembered page cannot be drawn (saved by an older version), the host answers
// with fresh data that replaces it.
post({ type: 'ready', rangeDays: state.rangeDays });
try {
  render();
} catch {
  state = { rangeDays: state.rangeDays };
  vscode.setState(state);
  render();
}
