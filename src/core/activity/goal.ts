import type { FocusSession } from '../focus/session';
import { defaultTimeZone, lastLocalDays } from './days';

/** Hand-edited settings can hold anything: a goal is a whole number of minutes within a day, else off. */
export function sanitizeGoalMinutes(raw: unknown): number {
  return typeof raw === 'number' && Number.isInteger(raw) && raw > 0 && raw <= 1440 ? raw : 0;
}

const minutesText = (m: number) => (m < 60 ? `${m} min` : m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`);

/** "Today: 45 min of your 2 h goal (38%)" or "Today: 2 h 5 min, goal of 2 h reached"; undefined without a goal. */
export function goalProgressText(todayMinutes: number, goalMinutes: number): string | undefined {
  if (goalMinutes <= 0) return undefined;
  if (todayMinutes >= goalMinutes) return `Today: ${minutesText(todayMinutes)}, daily goal of ${minutesText(goalMinutes)} reached.`;
  return `Today: ${minutesText(todayMinutes)} of your ${minutesText(goalMinutes)} daily goal (${Math.floor((todayMinutes / goalMinutes) * 100)}%).`;
}

/** The notification's words: "FocusFlow: daily goal of 2 h reached (2 h 5 min of focus today)." */
export function goalReachedText(todayMinutes: number, goalMinutes: number): string {
  return `FocusFlow: daily goal of ${minutesText(goalMinutes)} reached (${minutesText(todayMinutes)} of focus today).`;
}

/** The minutes of an ended focus session that fall on the local day containing `now`. */
export function minutesOnDay(s: FocusSession, now: number, timeZone?: string): number {
  if (s.kind !== 'focus' || !s.endTime || s.actualSeconds === null) return 0;
  const start = Date.parse(s.startTime);
  const end = Date.parse(s.endTime);
  const [today] = lastLocalDays(now, 1, timeZone ?? defaultTimeZone());
  if (end <= start) return 0;
  const overlap = Math.max(0, Math.min(end, today.endMs) - Math.max(start, today.startMs));
  return (s.actualSeconds * overlap) / (end - start) / 60;
}

/** Whether finishing a session that added `added` minutes today carried the day over its goal. */
export function crossedGoal(todayMinutes: number, added: number, goalMinutes: number): boolean {
  return goalMinutes > 0 && added > 0 && todayMinutes >= goalMinutes && todayMinutes - added < goalMinutes;
}
