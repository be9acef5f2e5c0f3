import type { MemberActivity } from '../core/activity/types';

/** "1 h 30 min", "45 min", "0 min": how long people focused, readable at a glance. */
export function formatHours(hours: number): string {
  const minutes = Math.round(hours * 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The member's email, or a short form of their id when the local copy has no email for them. */
export function memberName(m: Pick<MemberActivity, 'email' | 'user_id'>): string {
  return m.email ?? `Member ${m.user_id.slice(0, 8)}`;
}

/** "just now", "25 min ago", "3 h ago", "2 days ago", or "never". */
export function lastActive(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const minutes = Math.floor((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${plural(Math.floor(hours / 24), 'day')} ago`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Fixed English names, like the rest of the view's text; Intl formatters would cost the first paint
// several milliseconds to load their locale data.
function parts(date: string): { weekday: string; day: number; month: string } {
  const d = new Date(`${date}T00:00:00.000Z`);
  return { weekday: WEEKDAYS[d.getUTCDay()], day: d.getUTCDate(), month: MONTHS[d.getUTCMonth()] };
}

/** A YYYY-MM-DD date as "Mon" (short ranges) or "9 Mar". */
export function dayLabel(date: string, short: boolean): string {
  const p = parts(date);
  return short ? p.weekday : `${p.day} ${p.month}`;
}

/** "Mon 9 Mar". */
export function fullDate(date: string): string {
  const p = parts(date);
  return `${p.weekday} ${p.day} ${p.month}`;
}
