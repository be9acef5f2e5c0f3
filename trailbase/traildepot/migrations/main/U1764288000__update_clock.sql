-- `updated_at` must stay strictly increasing per table, the promise the pull checkpoints rest on
-- (see the first migration). Taking max(now, current max + 1) breaks it when a create with
-- conflict_resolution REPLACE lands on the row that holds the maximum: SQLite deletes that row
-- before inserting its replacement, so the new value can equal or undercut the old one while the
-- clock is behind the maximum (after a burst of writes ran ahead of it). A teammate whose checkpoint
-- already passed the old value would then never see the change, e.g. an unshare. Each table's last
-- value now lives here, where no delete can take it away.

CREATE TABLE update_clock (
  tbl  TEXT PRIMARY KEY NOT NULL,
  last INTEGER NOT NULL
) STRICT;

INSERT INTO update_clock (tbl, last)
  SELECT 'teams', coalesce(max(updated_at), 0) FROM teams
  UNION ALL SELECT 'members', coalesce(max(updated_at), 0) FROM members
  UNION ALL SELECT 'shared_sessions', coalesce(max(updated_at), 0) FROM shared_sessions;

DROP TRIGGER teams_updated_at_insert;
DROP TRIGGER teams_updated_at_update;
DROP TRIGGER members_updated_at_insert;
DROP TRIGGER members_updated_at_update;
DROP TRIGGER shared_sessions_updated_at_insert;
DROP TRIGGER shared_sessions_updated_at_update;

CREATE TRIGGER teams_updated_at_insert AFTER INSERT ON teams BEGIN
  UPDATE update_clock SET last = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), last + 1) WHERE tbl = 'teams';
  UPDATE teams SET updated_at = (SELECT last FROM update_clock WHERE tbl = 'teams') WHERE id = NEW.id;
END;
CREATE TRIGGER teams_updated_at_update AFTER UPDATE ON teams BEGIN
  UPDATE update_clock SET last = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), last + 1) WHERE tbl = 'teams';
  UPDATE teams SET updated_at = (SELECT last FROM update_clock WHERE tbl = 'teams') WHERE id = NEW.id;
END;
CREATE TRIGGER members_updated_at_insert AFTER INSERT ON members BEGIN
  UPDATE update_clock SET last = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), last + 1) WHERE tbl = 'members';
  UPDATE members SET updated_at = (SELECT last FROM update_clock WHERE tbl = 'members') WHERE id = NEW.id;
END;
CREATE TRIGGER members_updated_at_update AFTER UPDATE ON members BEGIN
  UPDATE update_clock SET last = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), last + 1) WHERE tbl = 'members';
  UPDATE members SET updated_at = (SELECT last FROM update_clock WHERE tbl = 'members') WHERE id = NEW.id;
END;
CREATE TRIGGER shared_sessions_updated_at_insert AFTER INSERT ON shared_sessions BEGIN
  UPDATE update_clock SET last = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), last + 1) WHERE tbl = 'shared_sessions';
  UPDATE shared_sessions SET updated_at = (SELECT last FROM update_clock WHERE tbl = 'shared_sessions') WHERE id = NEW.id;
END;
CREATE TRIGGER shared_sessions_updated_at_update AFTER UPDATE ON shared_sessions BEGIN
  UPDATE update_clock SET last = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), last + 1) WHERE tbl = 'shared_sessions';
  UPDATE shared_sessions SET updated_at = (SELECT last FROM update_clock WHERE tbl = 'shared_sessions') WHERE id = NEW.id;
END;
