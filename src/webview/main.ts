import type { RangeDays } from '../core/activity/types';
import { activityView } from './activityView';
import { h } from './dom';
import { emptyView, errorView } from './emptyView';
import { isActivityPage, isHostMessage, isRangeDays, RENDERED_MARK, type ActivityPage, type HostMessage, type WebviewMessage, type WebviewState } from './protocol';
import { pageSwitch, rangeSwitch } from './rangeSwitch';
import { youView } from './youView';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let state = restore(vscode.getState());
/** A range or page the user chose that the host has not answered yet; older answers in flight are dropped. */
let awaiting: { rangeDays: RangeDays; page: ActivityPage } | undefined;

function restore(saved: unknown): WebviewState {
  const s = (saved ?? {}) as Partial<WebviewState>;
  return {
    rangeDays: isRangeDays(s.rangeDays) ? s.rangeDays : 7,
    page: isActivityPage(s.page) ? s.page : undefined,
    last: isHostMessage(s.last) ? s.last : undefined,
  };
}

const pageOf = (message: HostMessage | undefined): ActivityPage => (message?.type === 'activity' ? 'team' : 'you');

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function chooseRange(rangeDays: RangeDays): void {
  state = { ...state, rangeDays };
  awaiting = { rangeDays, page: state.page ?? pageOf(state.last) };
  vscode.setState(state);
  post({ type: 'setRange', rangeDays });
  render();
}

function choosePage(page: ActivityPage): void {
  state = { ...state, page };
  awaiting = { rangeDays: state.rangeDays, page };
  vscode.setState(state);
  post({ type: 'setPage', page });
  render();
}

/** Whether a message answers what the user chose last (a Team page the host cannot show answers as "You"). */
function answers(message: HostMessage): boolean {
  if (!awaiting) return true;
  if (message.type === 'activity') return message.activity.range_days === awaiting.rangeDays && awaiting.page === 'team';
  if (message.type === 'personal') {
    return message.activity.range_days === awaiting.rangeDays && (awaiting.page === 'you' || message.team !== 'available');
  }
  return true;
}

function content(message: HostMessage | undefined): HTMLElement {
  if (!message) return h('p', { class: 'muted', role: 'status' }, 'Loading activity…');
  switch (message.type) {
    case 'activity': {
      const view = activityView(message.activity, message.me, root.clientWidth);
      if (awaiting !== undefined) view.setAttribute('aria-busy', 'true');
      return view;
    }
    case 'personal': {
      const view = youView(message.activity, root.clientWidth);
      if (awaiting !== undefined) view.setAttribute('aria-busy', 'true');
      if (message.team !== 'available') view.append(emptyView(message.team, message.detail, (command) => post({ type: 'run', command }), true));
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
  const last = state.last;
  const inTeam = last?.type === 'activity' || (last?.type === 'personal' && last.team === 'available');
  const switches = [inTeam ? pageSwitch(state.page ?? pageOf(last), choosePage) : null, rangeSwitch(state.rangeDays, chooseRange)];
  const charted = last?.type === 'activity' || last?.type === 'personal';
  root.replaceChildren(...(charted ? [h('header', { class: 'toolbar' }, ...switches)] : []), content(last));
  if (focused) root.querySelector<HTMLElement>(`[data-focus-key="${focused}"]`)?.focus();
  if (state.last && performance.getEntriesByName(RENDERED_MARK).length === 0) performance.mark(RENDERED_MARK);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) return;
  if (message.type === 'activity' || message.type === 'personal') {
    if (!answers(message)) return;
    // Otherwise the host decides the range and page (the command may have asked for others).
    awaiting = undefined;
    const page = message.type === 'personal' && message.team !== 'available' ? state.page : pageOf(message);
    state = { ...state, rangeDays: message.activity.range_days, page };
  }
  state = { ...state, last: message };
  vscode.setState(state);
  render();
});

let lastWidth = root.clientWidth;
new ResizeObserver(() => {
  if (root.clientWidth === lastWidth) return;
  lastWidth = root.clientWidth;
  if (state.last?.type === 'activity' || state.last?.type === 'personal') render();
}).observe(root);

// Ready first: even if the remembered page cannot be drawn (saved by an older version), the host answers
// with fresh data that replaces it.
// Without a page chosen yet, the host picks: the team's in a team, else "You".
post(state.page ? { type: 'ready', rangeDays: state.rangeDays, page: state.page } : { type: 'ready', rangeDays: state.rangeDays });
try {
  render();
} catch {
  state = { rangeDays: state.rangeDays, page: state.page };
  vscode.setState(state);
  render();
}
