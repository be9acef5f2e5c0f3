import type { Migration } from './migration';

/**
 * The team activity view reads every member's shared sessions by start time. This index answers
 * those reads (and "last active" per member) from the index alone, without touching the table rows.
 */
export const activityIndex: Migration = {
  version: 3,
  name: 'activity index',
  up(db) {
    db.exec(`
      CREATE INDEX idx_shared_sessions_team_user_start
        ON shared_sessions(team_id, user_id, start_time, end_time, actual_duration_seconds);
    `);
  },
};
