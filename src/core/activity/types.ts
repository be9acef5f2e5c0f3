import type { MemberRole } from '../models/member';

export type RangeDays = 7 | 30;

/**
 * Streaks are followed back this many days at most; a member at the cap shows as "100+ days". This
 * bounds the query when a whole team has focused every day for months.
 */
export const MAX_STREAK_DAYS = 100;

export interface TeamActivityQuery {
  teamId: string;
  rangeDays: RangeDays;
  /** Epoch ms; defaults to the current time. */
  now?: number;
  /** IANA zone that decides where a day starts; defaults to the machine's zone. */
  timeZone?: string;
}

export interface MemberActivity {
  user_id: string;
  email: string | null;
  role: MemberRole;
  /** Sessions started in the range. */
  sessions: number;
  focus_hours: number;
  /** ISO time the member's latest shared session ended (or started, while it runs); null if never. */
  last_active: string | null;
  /** Focus hours per day, aligned with `TeamActivity.days`. */
  daily_hours: number[];
  today_hours: number;
  /** Consecutive days with focus, ending today or yesterday; 0 when neither had any; at most MAX_STREAK_DAYS. */
  streak_days: number;
}

export interface DayActivity {
  date: string;
  focus_hours: number;
  sessions: number;
}

export interface TeamActivity {
  team_id: string;
  /** Null when the team is not (or no longer) in the local copy. */
  team_name: string | null;
  range_days: RangeDays;
  time_zone: string;
  /** The moment the figures were taken (ISO); "today" and "last active … ago" are relative to it. */
  as_of: string;
  total_sessions: number;
  total_focus_hours: number;
  /** Every current member, sessions or not, the most focused first. */
  members: MemberActivity[];
  /** Each day of the range, oldest first; the last is today. */
  days: DayActivity[];
  today: { date: string; focus_hours: number; sessions: number; members_focused: number };
  /** The last 7 days including today, whichever range is chosen. */
  week: { focus_hours: number; sessions: number };
}
