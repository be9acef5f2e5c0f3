-- "Focusing now", opt-in per member (the extension's `focusflow.sharing.presence`, off by default).
-- A member who turned it on writes one row per team: until when their current focus session runs,
-- or NULL when they are not focusing. Nothing else (no label, no activity) is stored. Only members
-- of the team read it (record API `presence` in config.textproto).
--
-- A row saying "focusing until T" stops meaning anything at T by itself, so a client that goes
-- offline mid-session never leaves a teammate shown as focusing forever.
--
-- Clients derive the row id from (team, user), so writing presence again is an upsert of the same
-- row under conflict_resolution REPLACE, never a second row.

CREATE TABLE presence (
  id             BLOB PRIMARY KEY NOT NULL CHECK(is_uuid_v7(id)) DEFAULT (uuid_v7()),
  team           BLOB NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user           BLOB NOT NULL REFERENCES _user(id) ON DELETE CASCADE,
  -- Epoch milliseconds the running focus session is due to end; NULL while not focusing.
  focusing_until INTEGER CHECK(focusing_until IS NULL OR focusing_until > 0),
  updated_at     INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  UNIQUE(team, user)
) STRICT;

CREATE TRIGGER presence_updated_at AFTER UPDATE ON presence BEGIN
  UPDATE presence SET updated_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id;
END;

-- A REPLACE create is an upsert on the id: it must not move someone's row to another user or team.
CREATE TRIGGER presence_identity_immutable BEFORE UPDATE ON presence
  WHEN NEW.team IS NOT OLD.team OR NEW.user IS NOT OLD.user BEGIN
  SELECT RAISE(ABORT, 'team and user of a presence row are immutable');
END;

-- Whoever leaves a team (or is removed) stops being shown there.
CREATE TRIGGER presence_leaves_with_member AFTER DELETE ON members BEGIN
  DELETE FROM presence WHERE team = OLD.team AND user = OLD.user;
END;
