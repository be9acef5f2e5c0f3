import type { DayActivity, RangeDays } from './types';

/** Weeks the week-by-hour heatmap covers: each weekday appears exactly this many times. */
export const HEATMAP_WEEKS = 4;

export interface PersonalActivityQuery {
  rangeDays: RangeDays;
  /** Epoch ms; defaults to the current time. */
  now?: number;
  /** IANA zone that decides where a day starts; defaults to the machine's zone. */
  timeZone?: string;
  /** The daily focus goal in minutes; 0 or absent: no goal. */
  goalMinutes?: number;
}

/** The user's own focus on this machine: completed focus sessions, nothing from a server. */
export interface PersonalActivity {
  range_days: RangeDays;
  time_zone: string;
  /** The moment the figures were taken (ISO). */
  as_of: string;
  /** Each day of the range, oldest first; the last is today. Sessions count on the day they start. */
  days: DayActivity[];
  today: { date: string; focus_minutes: number; sessions: number };
  /** The last 7 days including today, whichever range is chosen. */
  week: { focus_hours: number; sessions: number };
  total_focus_hours: number;
  total_sessions: number;
  /** Focus sessions started in the range that ended completed or were cancelled. */
  outcomes: { completed: number; cancelled: number };
  /** Consecutive days with focus ending today (or yesterday), and the longest run ever. */
  streak: { current: number; longest: number };
  /** 0 when no goal is set. */
  goal_minutes: number;
  /**
   * Focus minutes over the last HEATMAP_WEEKS weeks by local weekday (0 = Monday) and hour (0–23):
   * `heatmap[weekday][hour]`.
   */
  heatmap: number[][];
}
