/** Local-time period starts for history totals: what "today" and "this week" mean to the user. */
export function startOfLocalDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Weeks start on Monday (ISO 8601). */
export function startOfLocalWeek(now: number): number {
  const d = new Date(startOfLocalDay(now));
  const daysSinceMonday = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - daysSinceMonday);
  return d.getTime();
}
