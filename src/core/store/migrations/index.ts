import type { Migration } from './migration';
import { initial } from './001_initial';
import { syncQueueSchedule } from './002_sync_queue_schedule';
import { activityIndex } from './003_activity_index';
import { syncQueueOwner } from './004_sync_queue_owner';
import { localFocusIndex } from './005_local_focus_index';

/** Every schema version in order; a new one is a file beside this one and a line here. */
export const migrations: readonly Migration[] = [initial, syncQueueSchedule, activityIndex, syncQueueOwner, localFocusIndex];

export type { Migration } from './migration';
