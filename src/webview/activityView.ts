import { MAX_STREAK_DAYS, type MemberActivity, type TeamActivity } from '../core/activity/types';
import { chartLayout, dayBars, memberHeatmap } from './chart';
import { h } from './dom';
import { formatHours, lastActive, memberName, plural } from './format';

function stat(label: string, value: string, detail: string): HTMLElement {
  return h('div', { class: 'stat', role: 'group', 'aria-label': label }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-detail' }, detail));
}

function summary(a: TeamActivity): HTMLElement {
  const cards = [
    stat('Today', formatHours(a.today.focus_hours), `${plural(a.today.sessions, 'session')} · ${a.today.members_focused} of ${plural(a.members.length, 'member')} focused`),
    stat('Last 7 days', formatHours(a.week.focus_hours), plural(a.week.sessions, 'session')),
  ];
  if (a.range_days !== 7) cards.push(stat(`Last ${a.range_days} days`, formatHours(a.total_focus_hours), plural(a.total_sessions, 'session')));
  return h('div', { class: 'stats' }, ...cards);
}

function section(title: string, id: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

function streaks(a: TeamActivity, me: string | null): HTMLElement {
  const going = a.members.filter((m) => m.streak_days > 0).sort((x, y) => y.streak_days - x.streak_days);
  if (going.length === 0) {
    return section('Streaks', 'streaks-title', h('p', { class: 'muted' }, 'No streaks right now. A streak counts the days in a row someone focused, up to today.'));
  }
  return section(
    'Streaks',
    'streaks-title',
    h(
      'ol',
      { class: 'streaks' },
      ...going.map((m) =>
        h('li', {}, h('span', { class: 'streak-name' }, nameWithYou(m, me)), h('span', { class: 'streak-days' }, m.streak_days >= MAX_STREAK_DAYS ? `${MAX_STREAK_DAYS}+ days` : plural(m.streak_days, 'day'))),
      ),
    ),
  );
}

function nameWithYou(m: MemberActivity, me: string | null): string {
  return m.user_id === me ? `${memberName(m)} (you)` : memberName(m);
}

function membersTable(a: TeamActivity, me: string | null, now: number): HTMLElement {
  const rows = a.members.map((m) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('span', { class: 'member-name' }, nameWithYou(m, me)), h('span', { class: 'role' }, m.role)),
      h('td', {}, formatHours(m.focus_hours)),
      h('td', {}, String(m.sessions)),
      h('td', {}, lastActive(m.last_active, now)),
    ),
  );
  return h(
    'table',
    { class: 'members', id: 'members-table' },
    h('caption', { class: 'visually-hidden' }, `Members' focus over the last ${a.range_days} days`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Focus'), h('th', { scope: 'col' }, 'Sessions'), h('th', { scope: 'col' }, 'Last active'))),
    h('tbody', {}, ...rows),
  );
}

function legend(): HTMLElement {
  const swatch = (shade: string, text: string) => h('span', { class: 'legend-item' }, h('span', { class: `swatch ${shade}`, 'aria-hidden': 'true' }), text);
  return h('div', { class: 'legend', 'aria-label': 'Shades' }, swatch('l0', 'none'), swatch('l1', '< 30 min'), swatch('l2', '< 1.5 h'), swatch('l3', '< 3 h'), swatch('l4', '3 h +'));
}

/** The whole view for a team: numbers first, then the charts, streaks and the members' table. */
export function activityView(a: TeamActivity, me: string | null, width: number): HTMLElement {
  const layout = chartLayout(width, a.days.length);
  const charts =
    a.total_sessions === 0 && a.total_focus_hours === 0
      ? h(
          'div',
          { class: 'notice', role: 'status' },
          h('p', {}, `No shared sessions in the last ${a.range_days} days.`),
          h('p', { class: 'muted' }, 'Sessions you or your teammates choose to share appear here within seconds of syncing. Start one with "FocusFlow: Start Focus Session".'),
        )
      : h(
          'div',
          { class: 'charts' },
          h('h3', {}, 'Team focus per day'),
          h('div', { class: 'chart-scroll' }, dayBars(a.days, layout, 'Team')),
          h('h3', {}, 'Focus per member per day'),
          h('div', { class: 'chart-scroll' }, memberHeatmap(a, layout, me)),
          legend(),
        );
  return h(
    'div',
    { class: 'activity' },
    a.team_name === null ? null : h('h1', { class: 'team-name' }, a.team_name),
    summary(a),
    section('Focus', 'focus-title', charts),
    streaks(a, me),
    section('Members', 'members-title', membersTable(a, me, Date.parse(a.as_of))),
  );
}
