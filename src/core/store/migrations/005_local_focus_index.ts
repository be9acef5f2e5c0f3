import type { Migration } from './migration';

/**
 * The "You" page sums the local focus sessions per hour by start time, and the export pages through
 * them in (start_time, id) order. This index serves both: the page's reads come from the index alone,
 * and each export chunk is one index range instead of a sort of the whole table.
 */
export const localFocusIndex: Migration = {
  version: 5,
  name: 'local focus index',
  up(db) {
    db.exec(`
      CREATE INDEX idx_sessions_start_id_focus
        ON sessions(start_time, id, kind, state, end_time, actual_duration_seconds);
    `);
  },
};
