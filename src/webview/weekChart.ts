import { HEATMAP_WEEKS } from '../core/activity/personalTypes';
import { svg } from './dom';
import { formatHours, plural } from './format';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const LABEL = 34;
const ROW = 16;
const AXIS = 14;

/** Minutes at or above which an hour's cell takes the next shade, summed over the weeks shown. */
const STEPS = [15, 45, 90];

function shade(minutes: number): string {
  if (minutes <= 0) return 'l0';
  return `l${1 + STEPS.filter((s) => minutes >= s).length}`;
}

const hourText = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The busiest hours, for the chart's text alternative: "Tuesday 10:00 (2 h 5 min)". */
export function busiestHours(heatmap: readonly number[][], count: number): string[] {
  const cells = heatmap.flatMap((row, day) => row.map((minutes, hour) => ({ day, hour, minutes })));
  return cells
    .filter((c) => c.minutes > 0)
    .sort((a, b) => b.minutes - a.minutes || a.day - b.day || a.hour - b.hour)
    .slice(0, count)
    .map((c) => `${WEEKDAYS[c.day]} ${hourText(c.hour)} (${formatHours(c.minutes / 60)})`);
}

/** When in the week the user focuses: a row per weekday, a cell per hour, shaded by minutes. */
export function weekHeatmap(heatmap: readonly number[][], available: number): SVGSVGElement {
  const col = Math.max(6, Math.min(16, Math.floor((available - LABEL) / 24)));
  const width = LABEL + col * 24;
  const height = 7 * ROW + AXIS;
  const busiest = busiestHours(heatmap, 3);
  const chart = svg('svg', {
    class: 'chart week',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Focus by weekday and hour over the last ${plural(HEATMAP_WEEKS, 'week')}. ${busiest.length ? `Most focused: ${busiest.join(', ')}.` : 'No focus yet.'}`,
  });
  heatmap.forEach((row, day) => {
    const y = day * ROW;
    chart.append(svg('text', { class: 'name', x: 2, y: y + ROW / 2 + 4 }, WEEKDAYS[day].slice(0, 3)));
    row.forEach((minutes, hour) => {
      chart.append(
        svg(
          'rect',
          { class: `cell ${shade(minutes)}`, x: LABEL + hour * col + 1, y: y + 1, width: Math.max(1, col - 2), height: ROW - 2, rx: 2 },
          svg('title', {}, `${WEEKDAYS[day]} ${hourText(hour)}–${hourText((hour + 1) % 24)}: ${formatHours(minutes / 60)}`),
        ),
      );
    });
  });
  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  for (let hour = 0; hour < 24; hour += 6) axis.append(svg('text', { x: LABEL + hour * col, y: height - 3 }, hourText(hour)));
  chart.append(axis);
  return chart;
}
