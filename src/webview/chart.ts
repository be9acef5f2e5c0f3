import type { DayActivity, TeamActivity } from '../core/activity/types';
import { svg } from './dom';
import { dayLabel, formatHours, fullDate, memberName, plural } from './format';

const MAX_LABEL_WIDTH = 118;
const ROW_HEIGHT = 18;
const BARS_HEIGHT = 84;
const AXIS_HEIGHT = 16;

/** Hours at or above which a heatmap cell moves to the next shade; shades are classes l1 to l4. */
const SHADE_STEPS = [0.5, 1.5, 3];

export function shadeOf(hours: number): string {
  if (hours <= 0) return 'l0';
  return `l${1 + SHADE_STEPS.filter((step) => hours >= step).length}`;
}

/** The chart's layout for the width available: it fills the view, within readable bounds. */
export interface ChartLayout {
  label: number;
  col: number;
}

export function chartLayout(available: number, days: number): ChartLayout {
  const label = Math.min(MAX_LABEL_WIDTH, Math.floor(available * 0.3));
  return { label, col: Math.max(6, Math.min(34, Math.floor((available - label) / days))) };
}

export function dayAxis(days: readonly DayActivity[], { label, col }: ChartLayout, y: number): SVGGElement {
  const short = days.length <= 7;
  // Labels of longer ranges ("9 Mar") need about 44 px each.
  const every = short ? 1 : Math.max(1, Math.ceil(44 / col));
  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  days.forEach((d, i) => {
    // Label from the newest day backwards, so today always has one.
    if ((days.length - 1 - i) % every !== 0) return;
    const x = label + i * col + col / 2;
    const last = i === days.length - 1 && !short;
    axis.append(svg('text', { x: last ? label + (i + 1) * col : x, y, 'text-anchor': last ? 'end' : 'middle' }, dayLabel(d.date, short)));
  });
  return axis;
}

/** Focus per day as bars; each bar names its day and hours for pointer and screen reader. */
export function dayBars(days: readonly DayActivity[], layout: ChartLayout, whose: string): SVGSVGElement {
  const { label, col } = layout;
  const max = Math.max(...days.map((d) => d.focus_hours), 0);
  const width = label + col * days.length;
  const chart = svg('svg', {
    class: 'chart bars',
    width,
    height: BARS_HEIGHT + AXIS_HEIGHT,
    viewBox: `0 0 ${width} ${BARS_HEIGHT + AXIS_HEIGHT}`,
    role: 'img',
    'aria-label': `${whose} focus per day over ${days.length} days, most on one day ${formatHours(max)}`,
  });
  chart.append(
    svg('text', { class: 'scale', x: label - 6, y: 10, 'text-anchor': 'end' }, formatHours(max)),
    svg('line', { class: 'baseline', x1: label, x2: width, y1: BARS_HEIGHT + 0.5, y2: BARS_HEIGHT + 0.5 }),
  );
  days.forEach((d, i) => {
    const height = max > 0 ? Math.max(d.focus_hours > 0 ? 2 : 0, (d.focus_hours / max) * (BARS_HEIGHT - 4)) : 0;
    chart.append(
      svg(
        'rect',
        { class: 'bar', x: label + i * col + 1, y: BARS_HEIGHT - height, width: Math.max(1, col - 2), height },
        svg('title', {}, `${fullDate(d.date)}: ${formatHours(d.focus_hours)}, ${plural(d.sessions, 'session')}`),
      ),
    );
  });
  chart.append(dayAxis(days, layout, BARS_HEIGHT + AXIS_HEIGHT - 3));
  return chart;
}

/**
 * Cuts a name to what fits the label column. Measuring text would cost a layout per name; 8 px a
 * character is on the wide side for the chart's 11 px in the fonts VS Code uses.
 */
function shortened(name: string, labelWidth: number): string {
  const fits = Math.max(4, Math.floor((labelWidth - 8) / 8));
  return name.length > fits ? `${name.slice(0, fits - 1)}…` : name;
}

/** Focus hours per member per day: one row per member, one shaded cell per day. */
export function memberHeatmap(activity: TeamActivity, layout: ChartLayout, me: string | null): SVGSVGElement {
  const { label: labelWidth, col } = layout;
  const width = labelWidth + col * activity.days.length;
  const height = activity.members.length * ROW_HEIGHT + AXIS_HEIGHT;
  const chart = svg('svg', {
    class: 'chart heatmap',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Focus hours per member per day: ${plural(activity.members.length, 'member')} over ${activity.days.length} days. The table below lists the same totals.`,
  });
  const dates = activity.days.map((d) => fullDate(d.date));
  activity.members.forEach((m, row) => {
    const y = row * ROW_HEIGHT;
    const name = memberName(m);
    const label = m.user_id === me ? `${name} (you)` : name;
    chart.append(
      // Left-aligned: should a name still run long, it runs into the cells instead of off the view.
      svg('text', { class: 'name', x: 2, y: y + ROW_HEIGHT / 2 + 4 }, shortened(label, labelWidth), svg('title', {}, label)),
    );
    m.daily_hours.forEach((hours, i) => {
      chart.append(
        svg(
          'rect',
          { class: `cell ${shadeOf(hours)}`, x: labelWidth + i * col + 1, y: y + 1, width: Math.max(1, col - 2), height: ROW_HEIGHT - 2, rx: 2 },
          svg('title', {}, `${name}, ${dates[i]}: ${formatHours(hours)}`),
        ),
      );
    });
  });
  chart.append(dayAxis(activity.days, layout, height - 3));
  return chart;
}
