import type { MemberRole } from '../models/member';
import type { MemberNode, SessionNode, TeamNode, TeamTreeNode } from './teamTree';

/**
 * How a Team view node looks, as plain data the UI copies onto a TreeItem. Every text is plain text
 * (TreeItem labels and string tooltips are never rendered as HTML or Markdown), so a hostile team or
 * member name shows as the characters it is.
 *
 * `contextValue` carries the node kind, what the viewer may do, and the role, dot-separated, so menu
 * `when` clauses can match on any of them:
 * - team: `team.<role>` plus `.manageable` for owners and admins and `.active` for the active team;
 * - member: `member.<manageable|self|readonly>.<role>`;
 * - session: `session`.
 */
export interface NodePresentation {
  label: string;
  description?: string;
  tooltip: string;
  contextValue: string;
  /** A codicon id. */
  icon: string;
  /** What a screen reader announces for the row. */
  accessibilityLabel: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}

export interface PresentOptions {
  nowMs: number;
  /** Time zone for session times; the machine's own when omitted. */
  timeZone?: string;
}

const ROLE_ICON: Record<MemberRole, string> = { Owner: 'star-full', Admin: 'shield', Member: 'person' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function present(node: TeamTreeNode, o: PresentOptions): NodePresentation {
  switch (node.kind) {
    case 'team':
      return presentTeam(node);
    case 'member':
      return presentMember(node, o);
    case 'session':
      return presentSession(node, o);
  }
}

export function presentTeam(node: TeamNode): NodePresentation {
  const manageable = node.role === 'Owner' || node.role === 'Admin';
  const people = `${node.memberCount} ${node.memberCount === 1 ? 'member' : 'members'}`;
  const parts = [node.active ? 'active' : undefined, node.role, people].filter((p): p is string => p !== undefined);
  return {
    label: node.name,
    description: parts.join(' · '),
    tooltip: `${node.name}\nYour role: ${node.role}\n${people}${node.active ? '\nYour active team: shared sessions go here.' : ''}`,
    contextValue: `team.${node.role.toLowerCase()}${manageable ? '.manageable' : ''}${node.active ? '.active' : ''}`,
    icon: 'organization',
    accessibilityLabel: `Team ${node.name}, ${node.active ? 'active, ' : ''}your role ${node.role}, ${people}`,
    collapsible: node.active ? 'expanded' : 'collapsed',
  };
}

export function memberName(node: Pick<MemberNode, 'email' | 'userId'>): string {
  return node.email ?? `User ${node.userId.slice(0, 8)}`;
}

export function presentMember(node: MemberNode, o: PresentOptions): NodePresentation {
  const name = memberName(node);
  const focusing = node.focusingUntil !== undefined && node.focusingUntil > o.nowMs;
  const lastActive = node.lastActive ? `last active ${formatLastActive(node.lastActive, o.nowMs)}` : 'no shared sessions yet';
  const active = focusing ? 'focusing now' : lastActive;
  const until = focusing ? `Focusing now, until ${formatClock(node.focusingUntil as number, o.timeZone)}\n` : '';
  const may = node.isYou ? 'self' : node.manageable ? 'manageable' : 'readonly';
  return {
    label: node.isYou ? `${name} (you)` : name,
    description: `${node.role} · ${active}`,
    tooltip: `${name}${node.isYou ? ' (you)' : ''}\nRole: ${node.role}\n${until}${capitalize(lastActive)}\n${node.sessionCount} shared ${node.sessionCount === 1 ? 'session' : 'sessions'}`,
    contextValue: `member.${may}.${node.role.toLowerCase()}`,
    icon: focusing ? 'flame' : ROLE_ICON[node.role],
    accessibilityLabel: `${name}${node.isYou ? ', you' : ''}, ${node.role}, ${active}`,
    collapsible: node.sessionCount > 0 ? 'collapsed' : 'none',
  };
}

export function presentSession(node: SessionNode, o: PresentOptions): NodePresentation {
  const when = formatSessionTime(node.startTime, o.timeZone);
  const minutes = node.actualSeconds === null ? undefined : Math.round(node.actualSeconds / 60);
  const length = minutes === undefined ? 'in progress' : `${minutes} min`;
  const outcome = node.endTime === null ? 'in progress' : node.completed ? 'completed' : 'stopped early';
  const description = minutes === undefined ? outcome : `${length} · ${outcome}`;
  return {
    label: when,
    description,
    tooltip: `Focus session ${when}\n${description} (planned ${node.plannedMinutes} min)`,
    contextValue: 'session',
    icon: node.endTime === null ? 'clock' : node.completed ? 'pass' : 'circle-slash',
    accessibilityLabel: `Focus session ${when}, ${description}`,
    collapsible: 'none',
  };
}

/** "just now", "5 min ago", "2 h ago", "yesterday", "3 days ago", or the date for anything older than 30 days. */
export function formatLastActive(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'at an unknown time';
  const ago = nowMs - at;
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 30 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  return `on ${iso.slice(0, 10)}`;
}

/** "Mon 24 Nov, 09:30" in the given time zone. */
export function formatSessionTime(iso: string, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')}`;
}

/** "09:30" in the given time zone. */
function formatClock(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }).format(new Date(ms));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
