import type { Migration } from './migration';

/**
 * Local focus sessions, plus the three tables exactly as the desktop original defined them.
 * Foreign keys stay unenforced (SQLite's default, as in the original): teammates' shared sessions
 * arrive with a `local_session_id` that exists only on their machine.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK(kind IN ('focus','break')),
        break_type TEXT CHECK(break_type IN ('short','long')),
        label TEXT,
        start_time TEXT NOT NULL,
        end_time TEXT,
        planned_duration_minutes INTEGER NOT NULL,
        actual_duration_seconds INTEGER,
        paused_seconds INTEGER NOT NULL DEFAULT 0,
        paused_at TEXT,
        state TEXT NOT NULL CHECK(state IN ('running','paused','completed','cancelled')),
        completed INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_modified TEXT NOT NULL
      );
      CREATE INDEX idx_sessions_state ON sessions(state);
      CREATE INDEX idx_sessions_start_time ON sessions(start_time);

      CREATE TABLE team_connection (id TEXT PRIMARY KEY, server_url TEXT NOT NULL, team_id TEXT,
        user_id TEXT, api_key TEXT, connected_at INTEGER NOT NULL);

      CREATE TABLE shared_sessions (id TEXT PRIMARY KEY, local_session_id TEXT NOT NULL,
        remote_session_id TEXT, team_id TEXT NOT NULL, user_id TEXT NOT NULL, start_time TEXT NOT NULL,
        end_time TEXT, planned_duration_minutes INTEGER NOT NULL, actual_duration_seconds INTEGER,
        completed BOOLEAN NOT NULL DEFAULT 0, shared_at INTEGER NOT NULL, last_modified TEXT NOT NULL,
        sync_status TEXT DEFAULT 'pending' CHECK(sync_status IN ('pending','synced','failed')),
        FOREIGN KEY (local_session_id) REFERENCES sessions(id));
      CREATE INDEX idx_shared_sessions_team_id ON shared_sessions(team_id);
      CREATE INDEX idx_shared_sessions_user_id ON shared_sessions(user_id);
      CREATE INDEX idx_shared_sessions_sync_status ON shared_sessions(sync_status);

      CREATE TABLE sync_queue (id TEXT PRIMARY KEY, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL,
        operation TEXT NOT NULL CHECK(operation IN ('create','update','delete')), payload TEXT NOT NULL,
        created_at TEXT NOT NULL, retry_count INTEGER DEFAULT 0, last_error TEXT,
        UNIQUE(entity_type, entity_id, operation));
    `);
  },
};
