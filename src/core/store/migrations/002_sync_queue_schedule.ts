import type { Migration } from './migration';

/**
 * What the sync queue needs beyond the original columns: its schedule (status, next attempt, order),
 * a revision so an acknowledgement never deletes an edit made while the request was in flight, and
 * whether a create may already exist on the server. Plus the `sync_state` key/value table and local
 * copies of the teams and memberships pulled from the server.
 */
export const syncQueueSchedule: Migration = {
  version: 2,
  name: 'sync queue schedule',
  up(db) {
    db.exec(`
      ALTER TABLE sync_queue ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','failed'));
      ALTER TABLE sync_queue ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sync_queue ADD COLUMN last_attempt_at INTEGER;
      ALTER TABLE sync_queue ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sync_queue ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sync_queue ADD COLUMN may_exist_remotely INTEGER NOT NULL DEFAULT 0;
      UPDATE sync_queue SET seq = rowid;
      CREATE INDEX idx_sync_queue_status_seq ON sync_queue(status, seq);
      CREATE INDEX idx_sync_queue_seq ON sync_queue(seq);

      CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE teams (id TEXT PRIMARY KEY, remote_id TEXT, name TEXT NOT NULL, invite_code TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL, last_modified TEXT NOT NULL);

      CREATE TABLE members (id TEXT PRIMARY KEY, remote_id TEXT, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK(role IN ('Owner','Admin','Member')), email TEXT, joined_at TEXT NOT NULL,
        last_modified TEXT NOT NULL);
      CREATE INDEX idx_members_team_id ON members(team_id);
      CREATE INDEX idx_members_user_id ON members(user_id);
    `);
  },
};
