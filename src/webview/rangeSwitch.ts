import type { RangeDays } from '../core/activity/types';
import type { ActivityPage } from './protocol';
import { radioSwitch } from './radioSwitch';

/** The 7 / 30 day switch. */
export function rangeSwitch(current: RangeDays, choose: (r: RangeDays) => void): HTMLElement {
  return radioSwitch<RangeDays>('Time range', [{ value: 7, label: '7 days' }, { value: 30, label: '30 days' }], current, choose);
}

/** The You / Team switch, shown when the user is in a team. */
export function pageSwitch(current: ActivityPage, choose: (p: ActivityPage) => void): HTMLElement {
  return radioSwitch<ActivityPage>('Page', [{ value: 'you', label: 'You' }, { value: 'team', label: 'Team' }], current, choose);
}
