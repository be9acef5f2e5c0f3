import type { MemberRole } from '../models/member';
import type { SqlDb } from '../store/sqlDb';
import { dailyFocus } from './dailyFocus';
import { defaultTimeZone, lastLocalDays, type LocalDay } from './days';
import { streakDays } from './streaks';
import type { DayActivity, MemberActivity, TeamActivity, TeamActivityQuery } from './types';

interface MemberRow {
  user_id: string;
  email: string | null;
  role: MemberRole;
  last_active: string | null;
}

// "Last active" is the end of the latest-started session: one step down the index per member (of two
// started at the same instant, the later end; a running one has none and counts as its start). Should
// the local copy ever hold a membership twice, the member shows once with the higher role.
const membersSql = `
  SELECT m.user_id AS user_id, max(m.email) AS email,
    CASE min(CASE m.role WHEN 'Owner' THEN 0 WHEN 'Admin' THEN 1 ELSE 2 END)
      WHEN 0 THEN 'Owner' WHEN 1 THEN 'Admin' ELSE 'Member' END AS role,
    (SELECT coalesce(s.end_time, s.start_time) FROM shared_sessions s
      WHERE s.team_id = m.team_id AND s.user_id = m.user_id AND s.sync_status IS NOT 'failed'
      ORDER BY s.start_time DESC, s.end_time DESC LIMIT 1) AS last_active
  FROM members m JOIN teams t ON t.id = m.team_id
  WHERE m.team_id = :team
  GROUP BY m.user_id`;

const hours = (seconds: number) => Math.round(seconds / 36) / 100;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The team's focus over the last `rangeDays` local days (today included) from the local copy the sync
 * engine keeps: totals, each current member's share and streak, and the daily series of the chart.
 * Sessions of people no longer in the team, of other teams, and shares the server refused (the team
 * never saw them) are left out.
 */
export function getTeamActivity(db: SqlDb, query: TeamActivityQuery): TeamActivity {
  const timeZone = query.timeZone ?? defaultTimeZone();
  const now = query.now ?? Date.now();
  const window = lastLocalDays(now, query.rangeDays, timeZone);
  const team = db.get<{ name: string }>('SELECT name FROM teams WHERE id = ?', [query.teamId]);
  const rows = db.all<MemberRow>(membersSql, { ':team': query.teamId });
  const { seconds, sessions } = dailyFocus(db, query.teamId, window, undefined);
  const zeros = () => new Array<number>(window.length).fill(0);
  const streaks = streakDays(db, query.teamId, window, seconds, timeZone);

  const today = window.length - 1;
  const members: MemberActivity[] = rows.map((row) => {
    const daySeconds = seconds.get(row.user_id) ?? zeros();
    const daySessions = sessions.get(row.user_id) ?? zeros();
    return {
      user_id: row.user_id,
      email: row.email,
      role: row.role,
      sessions: sum(daySessions),
      focus_hours: hours(sum(daySeconds)),
      last_active: row.last_active,
      daily_hours: daySeconds.map(hours),
      today_hours: hours(daySeconds[today]),
      streak_days: streaks.get(row.user_id) ?? 0,
    };
  });
  members.sort((a, b) => b.focus_hours - a.focus_hours || (a.email ?? a.user_id).localeCompare(b.email ?? b.user_id));

  const teamSeconds = window.map((_, i) => sum(rows.map((r) => seconds.get(r.user_id)?.[i] ?? 0)));
  const teamSessions = window.map((_, i) => sum(rows.map((r) => sessions.get(r.user_id)?.[i] ?? 0)));
  const days: DayActivity[] = window.map((d: LocalDay, i) => ({
    date: d.date,
    focus_hours: hours(teamSeconds[i]),
    sessions: teamSessions[i],
  }));
  const lastWeek = window.length - 7;
  return {
    team_id: query.teamId,
    team_name: team?.name ?? null,
    range_days: query.rangeDays,
    time_zone: timeZone,
    as_of: new Date(now).toISOString(),
    total_sessions: sum(teamSessions),
    total_focus_hours: hours(sum(teamSeconds)),
    members,
    days,
    today: {
      date: window[today].date,
      focus_hours: hours(teamSeconds[today]),
      sessions: teamSessions[today],
      members_focused: members.filter((m) => (seconds.get(m.user_id)?.[today] ?? 0) > 0).length,
    },
    week: { focus_hours: hours(sum(teamSeconds.slice(lastWeek))), sessions: sum(teamSessions.slice(lastWeek)) },
  };
}
