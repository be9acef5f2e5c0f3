import { h } from './dom';

export interface SwitchOption<T> {
  value: T;
  label: string;
}

/**
 * A segmented switch as an ARIA radio group: Tab reaches the chosen option, arrow keys (and Home/End)
 * move and choose, as in every native radio group.
 */
export function radioSwitch<T extends string | number>(name: string, options: readonly SwitchOption<T>[], current: T, choose: (value: T) => void): HTMLElement {
  const group = h('div', { class: 'range', role: 'radiogroup', 'aria-label': name });
  const buttons = options.map((o) =>
    h(
      'button',
      {
        type: 'button',
        role: 'radio',
        class: 'range-option',
        'aria-checked': String(o.value === current),
        tabindex: o.value === current ? 0 : -1,
        'data-focus-key': `${name}-${o.value}`,
      },
      o.label,
    ),
  );
  const select = (i: number) => {
    const at = (i + options.length) % options.length;
    buttons[at].focus();
    if (options[at].value !== current) choose(options[at].value);
  };
  buttons.forEach((button, i) => {
    button.addEventListener('click', () => select(i));
    button.addEventListener('keydown', (e) => {
      const moves: Record<string, number> = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: options.length - 1 };
      if (e.key in moves) {
        e.preventDefault();
        select(moves[e.key]);
      }
    });
    group.append(button);
  });
  return group;
}
