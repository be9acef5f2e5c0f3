-- FocusFlow team sharing: teams, their members, the focus sessions members share, and a
-- read-only activity view. Every record API table is STRICT with a UUIDv7 BLOB primary key, as
-- TrailBase requires for record APIs; user columns reference TrailBase's own `_user` table.
--
-- `updated_at` (INTEGER, server milliseconds) is the pull checkpoint of every synced table. It is
-- written only by the triggers below and is strictly increasing per table: each write takes
-- max(now_ms, current max + 1). Writes are serialised by SQLite, so a value committed later is
-- always larger than every value committed before it. A client that pulls
-- `filter[updated_at][$gt]=<checkpoint>&order=updated_at` therefore never skips a row written in
-- the same millisecond, and can page with the same filter (keyset pagination) instead of cursors,
-- which die when the server restarts.

CREATE TABLE teams (
  id          BLOB PRIMARY KEY NOT NULL CHECK(is_uuid_v7(id)) DEFAULT (uuid_v7()),
  name        TEXT NOT NULL CHECK(length(trim(name)) BETWEEN 1 AND 100),
  -- Whoever knows the code may join (see join_requests). Long enough that guessing is hopeless.
  invite_code TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(9))))
              CHECK(length(invite_code) BETWEEN 12 AND 64),
  created_by  BLOB NOT NULL REFERENCES _user(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  updated_at  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE members (
  id         BLOB PRIMARY KEY NOT NULL CHECK(is_uuid_v7(id)) DEFAULT (uuid_v7()),
  team       BLOB NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user       BLOB NOT NULL REFERENCES _user(id) ON DELETE CASCADE,
  role       TEXT NOT NULL DEFAULT 'member' CHECK(role IN ('owner', 'admin', 'member')),
  joined_at  INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  updated_at INTEGER NOT NULL DEFAULT 0,
  UNIQUE(team, user)
) STRICT;
CREATE INDEX members_user_index ON members(user);

-- Joining: a signed-in user inserts {invite_code} here (nothing else). The triggers look the code
-- up, reject a wrong one, add the membership and record which team it was, so the client learns
-- the team id by reading its own request back. Members are never created directly.
CREATE TABLE join_requests (
  id          BLOB PRIMARY KEY NOT NULL CHECK(is_uuid_v7(id)) DEFAULT (uuid_v7()),
  user        BLOB NOT NULL REFERENCES _user(id) ON DELETE CASCADE,
  invite_code TEXT NOT NULL,
  team        BLOB REFERENCES teams(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER))
) STRICT;

CREATE TABLE shared_sessions (
  id                       BLOB PRIMARY KEY NOT NULL CHECK(is_uuid_v7(id)) DEFAULT (uuid_v7()),
  team                     BLOB NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user                     BLOB NOT NULL REFERENCES _user(id) ON DELETE CASCADE,
  local_session_id         TEXT NOT NULL CHECK(length(local_session_id) BETWEEN 1 AND 100),
  start_time               TEXT NOT NULL,
  end_time                 TEXT,
  planned_duration_minutes INTEGER NOT NULL CHECK(planned_duration_minutes BETWEEN 1 AND 1440),
  actual_duration_seconds  INTEGER CHECK(actual_duration_seconds >= 0),
  completed                INTEGER NOT NULL DEFAULT 0 CHECK(completed IN (0, 1)),
  -- Client clock of the last local edit: only for last-write-wins between clients, never a checkpoint.
  last_modified            TEXT NOT NULL,
  -- Tombstone: "unshare" sets deleted = 1 so incremental pulls see it; rows are not hard-deleted.
  deleted                  INTEGER NOT NULL DEFAULT 0 CHECK(deleted IN (0, 1)),
  created_at               INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  updated_at               INTEGER NOT NULL DEFAULT 0,
  -- A re-share of the same local session under a new id is refused instead of duplicated.
  UNIQUE(team, user, local_session_id)
) STRICT;
-- Lists are per team: (team, id) serves the default primary-key order, (team, updated_at) the
-- incremental pulls, so a page stops after `limit` rows instead of sorting the whole team.
CREATE INDEX shared_sessions_team_id_index ON shared_sessions(team, id);
CREATE INDEX shared_sessions_team_updated_at_index ON shared_sessions(team, updated_at);
CREATE INDEX shared_sessions_updated_at_index ON shared_sessions(updated_at);
CREATE INDEX teams_updated_at_index ON teams(updated_at);
CREATE INDEX members_updated_at_index ON members(updated_at);

-- Server-maintained, strictly increasing updated_at (see the header comment).
CREATE TRIGGER teams_updated_at_insert AFTER INSERT ON teams BEGIN
  UPDATE teams SET updated_at = max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
    (SELECT coalesce(max(updated_at), 0) + 1 FROM teams)) WHERE id = NEW.id;
END;
CREATE TRIGGER teams_updated_at_update AFTER UPDATE ON teams BEGIN
  UPDATE teams SET updated_at = max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
    (SELECT coalesce(max(updated_at), 0) + 1 FROM teams)) WHERE id = NEW.id;
END;
CREATE TRIGGER members_updated_at_insert AFTER INSERT ON members BEGIN
  UPDATE members SET updated_at = max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
    (SELECT coalesce(max(updated_at), 0) + 1 FROM members)) WHERE id = NEW.id;
END;
CREATE TRIGGER members_updated_at_update AFTER UPDATE ON members BEGIN
  UPDATE members SET updated_at = max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
    (SELECT coalesce(max(updated_at), 0) + 1 FROM members)) WHERE id = NEW.id;
END;
CREATE TRIGGER shared_sessions_updated_at_insert AFTER INSERT ON shared_sessions BEGIN
  UPDATE shared_sessions SET updated_at = max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
    (SELECT coalesce(max(updated_at), 0) + 1 FROM shared_sessions)) WHERE id = NEW.id;
END;
CREATE TRIGGER shared_sessions_updated_at_update AFTER UPDATE ON shared_sessions BEGIN
  UPDATE shared_sessions SET updated_at = max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
    (SELECT coalesce(max(updated_at), 0) + 1 FROM shared_sessions)) WHERE id = NEW.id;
END;

-- The creator of a team becomes its owner, server-side, in the same statement.
CREATE TRIGGER teams_owner_membership AFTER INSERT ON teams BEGIN
  INSERT INTO members (team, user, role) VALUES (NEW.id, NEW.created_by, 'owner');
END;

-- Ownership columns never change. This also stops a create under conflict_resolution REPLACE
-- (an upsert on the primary key, which only the create rule guards) from taking over a row that
-- belongs to someone else: the replacement must carry the same owner and team.
CREATE TRIGGER teams_created_by_immutable BEFORE UPDATE ON teams
  WHEN NEW.created_by IS NOT OLD.created_by BEGIN
  SELECT RAISE(ABORT, 'created_by is immutable');
END;
CREATE TRIGGER members_identity_immutable BEFORE UPDATE ON members
  WHEN NEW.team IS NOT OLD.team OR NEW.user IS NOT OLD.user BEGIN
  SELECT RAISE(ABORT, 'team and user of a membership are immutable');
END;
CREATE TRIGGER shared_sessions_identity_immutable BEFORE UPDATE ON shared_sessions
  WHEN NEW.team IS NOT OLD.team OR NEW.user IS NOT OLD.user BEGIN
  SELECT RAISE(ABORT, 'team and user of a shared session are immutable');
END;
CREATE TRIGGER join_requests_immutable BEFORE UPDATE ON join_requests
  WHEN NEW.user IS NOT OLD.user OR NEW.invite_code IS NOT OLD.invite_code BEGIN
  SELECT RAISE(ABORT, 'join requests are immutable');
END;

-- A team always keeps an owner: the last one can neither leave nor be demoted. Deleting the
-- team itself (which cascades to its members) is still possible, hence the EXISTS.
CREATE TRIGGER members_last_owner_leave BEFORE DELETE ON members
  WHEN OLD.role = 'owner'
    AND EXISTS (SELECT 1 FROM teams WHERE id = OLD.team)
    AND (SELECT count(*) FROM members WHERE team = OLD.team AND role = 'owner') = 1 BEGIN
  SELECT RAISE(ABORT, 'the last owner cannot leave the team');
END;
CREATE TRIGGER members_last_owner_demote BEFORE UPDATE OF role ON members
  WHEN OLD.role = 'owner' AND NEW.role <> 'owner'
    AND (SELECT count(*) FROM members WHERE team = OLD.team AND role = 'owner') = 1 BEGIN
  SELECT RAISE(ABORT, 'the last owner cannot be demoted');
END;

CREATE TRIGGER join_requests_check_code BEFORE INSERT ON join_requests
  WHEN NOT EXISTS (SELECT 1 FROM teams WHERE invite_code = NEW.invite_code) BEGIN
  SELECT RAISE(ABORT, 'invalid invite code');
END;
CREATE TRIGGER join_requests_join AFTER INSERT ON join_requests BEGIN
  INSERT INTO members (team, user, role)
    SELECT id, NEW.user, 'member' FROM teams WHERE invite_code = NEW.invite_code
    ON CONFLICT (team, user) DO NOTHING;
  UPDATE join_requests SET team = (SELECT id FROM teams WHERE invite_code = NEW.invite_code)
    WHERE id = NEW.id;
END;

-- Per team and member: what they shared (tombstones excluded). One row per membership, keyed by
-- the membership id so TrailBase can infer a primary key; CASTs make every column's type explicit.
CREATE VIEW team_activity AS
  SELECT
    m.id AS id,
    m.team AS team,
    m.user AS user,
    CAST((SELECT count(*) FROM shared_sessions s
          WHERE s.team = m.team AND s.user = m.user AND s.deleted = 0) AS INTEGER) AS session_count,
    CAST((SELECT count(*) FROM shared_sessions s
          WHERE s.team = m.team AND s.user = m.user AND s.deleted = 0 AND s.completed = 1)
         AS INTEGER) AS completed_count,
    CAST((SELECT coalesce(sum(s.actual_duration_seconds), 0) FROM shared_sessions s
          WHERE s.team = m.team AND s.user = m.user AND s.deleted = 0) AS INTEGER) AS focus_seconds,
    CAST((SELECT max(coalesce(s.end_time, s.start_time)) FROM shared_sessions s
          WHERE s.team = m.team AND s.user = m.user AND s.deleted = 0) AS TEXT) AS last_active
  FROM members m;
