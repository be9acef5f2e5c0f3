-- TrailBase applies its own migrations and the depot's in one version order. On a new v0.33 server its
-- U1785764695__unverified_email rebuilds `_user` after U1764201600__member_email ran, and dropping the
-- old table took `members_email_follows_user` with it: a member who changed their address kept showing
-- the old one to their team. This puts the trigger back (servers that kept it are left as they are) and
-- brings any email that drifted meanwhile back in line.

CREATE TRIGGER IF NOT EXISTS members_email_follows_user AFTER UPDATE OF email ON _user BEGIN
  UPDATE members SET email = NEW.email WHERE user = NEW.id;
END;

UPDATE members SET email = (SELECT u.email FROM _user AS u WHERE u.id = members.user)
  WHERE email IS NOT (SELECT u.email FROM _user AS u WHERE u.id = members.user);
