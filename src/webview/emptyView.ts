import { h } from './dom';
import type { EmptyReason, WebviewCommand } from './protocol';

interface EmptyText {
  title: string;
  body: string;
  actions: { label: string; command: WebviewCommand }[];
}

const texts: Record<EmptyReason, EmptyText> = {
  disconnected: {
    title: 'Connect to a team server',
    body: 'Team activity comes from a TrailBase server your team runs. Only sessions you choose to share leave this machine; your own focus history works without a server.',
    actions: [
      { label: 'Connect', command: 'focusflow.connectTeam' },
      { label: 'Create Account', command: 'focusflow.createAccount' },
    ],
  },
  restoring: {
    title: 'Signing back in…',
    body: 'FocusFlow is reading your stored sign-in to the team server. Your team appears in a moment.',
    actions: [],
  },
  'signed-out': {
    title: 'Sign in again',
    body: 'Your session with the team server ended. Sign in to see your team again; nothing was lost.',
    actions: [{ label: 'Connect', command: 'focusflow.connectTeam' }],
  },
  'no-team': {
    title: 'Create or join a team',
    body: 'You are connected. Create a team and share its invite code, or join one with a code a teammate gave you.',
    actions: [
      { label: 'Create Team', command: 'focusflow.createTeam' },
      { label: 'Join Team', command: 'focusflow.joinTeam' },
    ],
  },
};

/**
 * What to do next when there is no team activity to show: the whole view, or (`compact`) a note below
 * the user's own page, where the team action helps without taking the view over.
 */
export function emptyView(reason: EmptyReason, detail: string | undefined, run: (c: WebviewCommand) => void, compact = false): HTMLElement {
  const text = texts[reason];
  return h(
    compact ? 'aside' : 'div',
    compact ? { class: 'empty compact', 'aria-labelledby': 'team-note-title' } : { class: 'empty', role: 'status' },
    compact ? h('h2', { id: 'team-note-title' }, text.title) : h('h1', {}, text.title),
    h('p', {}, text.body),
    detail ? h('p', { class: 'muted' }, detail) : null,
    h(
      'div',
      { class: 'actions' },
      ...text.actions.map((a, i) => {
        const button = h('button', { type: 'button', class: i === 0 ? 'primary' : 'secondary', 'data-focus-key': a.command }, a.label);
        button.addEventListener('click', () => run(a.command));
        return button;
      }),
    ),
  );
}

export function errorView(message: string): HTMLElement {
  return h('div', { class: 'empty', role: 'alert' }, h('h1', {}, 'Activity could not be read'), h('p', {}, message));
}
