import type { PersonalActivity } from '../core/activity/personalTypes';
import { chartLayout, dayBars } from './chart';
import { h, svg } from './dom';
import { formatHours, fullDate, plural } from './format';
import { weekHeatmap } from './weekChart';

function stat(label: string, value: string, detail: string, ...extra: (Node | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'stat', role: 'group', 'aria-label': label },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-detail' }, detail),
    ...extra,
  );
}

const minutes = (m: number) => formatHours(m / 60);
const days = (n: number) => plural(n, 'day');

/** Today's card: with a goal, how far along and a bar that fills up to it. */
function todayCard(a: PersonalActivity): HTMLElement {
  const sessions = plural(a.today.sessions, 'session');
  if (a.goal_minutes <= 0) return stat('Today', minutes(a.today.focus_minutes), sessions);
  const share = Math.min(100, Math.round((a.today.focus_minutes / a.goal_minutes) * 100));
  const reached = a.today.focus_minutes >= a.goal_minutes;
  return stat(
    'Today',
    minutes(a.today.focus_minutes),
    `${reached ? 'Goal reached' : `${share}% of`} ${reached ? `(${minutes(a.goal_minutes)})` : `the ${minutes(a.goal_minutes)} goal`} · ${sessions}`,
    h(
      'div',
      { class: 'goal', role: 'progressbar', 'aria-label': 'Daily goal', 'aria-valuemin': 0, 'aria-valuemax': a.goal_minutes, 'aria-valuenow': Math.min(a.today.focus_minutes, a.goal_minutes), 'aria-valuetext': `${minutes(a.today.focus_minutes)} of ${minutes(a.goal_minutes)}` },
      // An SVG attribute, not an inline style: the page's CSP allows no inline styles.
      svg('svg', { class: 'goal-bar', viewBox: '0 0 100 4', preserveAspectRatio: 'none', 'aria-hidden': 'true' }, svg('rect', { class: 'goal-track', width: 100, height: 4 }), svg('rect', { class: 'goal-fill', width: share, height: 4 })),
    ),
  );
}

function summary(a: PersonalActivity): HTMLElement {
  const { completed, cancelled } = a.outcomes;
  const cards = [
    todayCard(a),
    stat('Last 7 days', formatHours(a.week.focus_hours), plural(a.week.sessions, 'session')),
    a.range_days !== 7 ? stat(`Last ${a.range_days} days`, formatHours(a.total_focus_hours), plural(a.total_sessions, 'session')) : null,
    stat('Streak', days(a.streak.current), `Longest: ${days(a.streak.longest)}`),
    stat('Completed', `${completed} of ${completed + cancelled}`, `${plural(cancelled, 'cancelled', 'cancelled')} in ${a.range_days} days`),
  ];
  return h('div', { class: 'stats' }, ...cards.filter((c): c is HTMLElement => c !== null));
}

function section(title: string, id: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** The chart's text alternative: every day of the range as a row, behind a disclosure. */
function dayTable(a: PersonalActivity): HTMLElement {
  return h(
    'details',
    { class: 'day-table' },
    h('summary', { 'data-focus-key': 'day-table' }, 'Each day as a table'),
    h(
      'table',
      { class: 'members' },
      h('caption', { class: 'visually-hidden' }, `Your focus per day over the last ${a.range_days} days`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col' }, 'Focus'), h('th', { scope: 'col' }, 'Sessions'))),
      h('tbody', {}, ...[...a.days].reverse().map((d) => h('tr', {}, h('th', { scope: 'row' }, fullDate(d.date)), h('td', {}, formatHours(d.focus_hours)), h('td', {}, String(d.sessions))))),
    ),
  );
}

/** The "You" page: the user's own numbers first, then focus per day and when in the week. */
export function youView(a: PersonalActivity, width: number): HTMLElement {
  const nothing = a.total_sessions === 0 && a.total_focus_hours === 0;
  const perDay = nothing
    ? h(
        'div',
        { class: 'notice', role: 'status' },
        h('p', {}, `No completed focus in the last ${a.range_days} days.`),
        h('p', { class: 'muted' }, 'Start one with "FocusFlow: Start Focus Session"; it shows here once it is done.'),
      )
    : h('div', { class: 'charts' }, h('div', { class: 'chart-scroll' }, dayBars(a.days, chartLayout(width, a.days.length), 'Your')), dayTable(a));
  return h(
    'div',
    { class: 'activity you' },
    h('h1', {}, 'You'),
    summary(a),
    section('Focus per day', 'days-title', perDay),
    section('When you focus', 'week-title', h('div', { class: 'chart-scroll' }, weekHeatmap(a.heatmap, width)), h('p', { class: 'muted small' }, 'Last 4 weeks, by weekday and hour.')),
  );
}
