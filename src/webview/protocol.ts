import type { PersonalActivity } from '../core/activity/personalTypes';
import type { RangeDays, TeamActivity } from '../core/activity/types';

/**
 * Messages between the Activity view's host (src/ui/activity) and its webview (src/webview). Both sides
 * import these types; each side checks what it receives, since a webview message is just JSON.
 */

/** Why there is nothing to chart, so the empty state can offer the next step. */
export type EmptyReason = 'disconnected' | 'restoring' | 'signed-out' | 'no-team';

/** The view's two pages: the user's own focus, or their team's. */
export type ActivityPage = 'you' | 'team';

/** Whether the Team page can be shown next to "You", or why not (the team action the view can offer). */
export type TeamLink = 'available' | EmptyReason;

export type HostMessage =
  | { type: 'activity'; activity: TeamActivity; /** The signed-in user, marked "you". */ me: string | null }
  | { type: 'personal'; activity: PersonalActivity; team: TeamLink; /** Why the user was signed out. */ detail?: string }
  | { type: 'empty'; reason: EmptyReason; rangeDays: RangeDays; detail?: string }
  | { type: 'error'; message: string };

/** Commands the empty state's buttons may run; the host runs nothing else on the webview's behalf. */
export const webviewCommands = ['focusflow.connectTeam', 'focusflow.createAccount', 'focusflow.createTeam', 'focusflow.joinTeam'] as const;
export type WebviewCommand = (typeof webviewCommands)[number];

export type WebviewMessage =
  | { type: 'ready'; rangeDays: RangeDays; page?: ActivityPage }
  | { type: 'setRange'; rangeDays: RangeDays }
  | { type: 'setPage'; page: ActivityPage }
  | { type: 'run'; command: WebviewCommand };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
export const isRangeDays = (v: unknown): v is RangeDays => v === 7 || v === 30;
export const isActivityPage = (v: unknown): v is ActivityPage => v === 'you' || v === 'team';

export function isWebviewMessage(v: unknown): v is WebviewMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return isRangeDays(v.rangeDays) && (v.page === undefined || isActivityPage(v.page));
    case 'setRange':
      return isRangeDays(v.rangeDays);
    case 'setPage':
      return isActivityPage(v.page);
    case 'run':
      return (webviewCommands as readonly unknown[]).includes(v.command);
    default:
      return false;
  }
}

/**
 * The host's gate for what the webview sends: the message when it is one of ours, otherwise undefined
 * after exactly one `warn` line (naming the type it claimed, shortened), so a broken or hostile page is
 * heard about but never crashes the extension.
 */
export function acceptWebviewMessage(v: unknown, warn: (line: string) => void): WebviewMessage | undefined {
  if (isWebviewMessage(v)) return v;
  const claimed = isRecord(v) && typeof v.type === 'string' ? ` (type "${v.type.slice(0, 40)}")` : '';
  warn(`Activity view sent a message it should not have${claimed}; ignored.`);
  return undefined;
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'activity':
      return isRecord(v.activity) && Array.isArray(v.activity.members) && Array.isArray(v.activity.days);
    case 'personal':
      return isRecord(v.activity) && Array.isArray(v.activity.days) && Array.isArray(v.activity.heatmap) && typeof v.team === 'string';
    case 'empty':
      return typeof v.reason === 'string' && isRangeDays(v.rangeDays);
    case 'error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

/** Marked once the view's content (chart or empty state) is in the document; the benchmark reads it. */
export const RENDERED_MARK = 'focusflow-activity-rendered';

/** What the webview keeps through getState/setState while the view is hidden or reloaded. */
export interface WebviewState {
  rangeDays: RangeDays;
  /** The page the user chose; absent until they choose or the host shows one. */
  page?: ActivityPage;
  /** The last message shown, painted at once when the view comes back, before fresh data arrives. */
  last?: HostMessage;
}
