import type { RangeDays } from '../core/activity/types';
import { h } from './dom';

const ranges: readonly RangeDays[] = [7, 30];

/**
 * The 7 / 30 day switch as an ARIA radio group: Tab reaches the chosen option, arrow keys (and Home/End)
 * move and choose, as in every native radio group.
 */
export function rangeSwitch(current: RangeDays, choose: (r: RangeDays) => void): HTMLElement {
  const group = h('div', { class: 'range', role: 'radiogroup', 'aria-label': 'Time range' });
  const options = ranges.map((r) =>
    h(
      'button',
      {
        type: 'button',
        role: 'radio',
        class: 'range-option',
        'aria-checked': String(r === current),
        tabindex: r === current ? 0 : -1,
        'data-focus-key': `range-${r}`,
      },
      `${r} days`,
    ),
  );
  const select = (i: number) => {
    const r = ranges[(i + ranges.length) % ranges.length];
    options[ranges.indexOf(r)].focus();
    if (r !== current) choose(r);
  };
  options.forEach((option, i) => {
    option.addEventListener('click', () => select(i));
    option.addEventListener('keydown', (e) => {
      const moves: Record<string, number> = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: ranges.length - 1 };
      if (e.key in moves) {
        e.preventDefault();
        select(moves[e.key]);
      }
    });
    group.append(option);
  });
  return group;
}
