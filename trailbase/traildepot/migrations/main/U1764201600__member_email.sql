-- Teammates see each other's email addresses: every membership carries its user's current email,
-- copied from TrailBase's `_user` table by triggers. The members record API's read rule (team
-- members only) therefore decides who sees an address; nobody outside the team can read it.
--
-- The column mirrors `_user.email` and nothing else: a write that sets any other value (an admin
-- PATCHing someone's membership, say) is refused, so an address shown in the Team view is always
-- the one the account signs in with.

ALTER TABLE members ADD COLUMN email TEXT;

UPDATE members SET email = (SELECT u.email FROM _user AS u WHERE u.id = members.user);

CREATE TRIGGER members_email_insert AFTER INSERT ON members BEGIN
  UPDATE members SET email = (SELECT u.email FROM _user AS u WHERE u.id = NEW.user) WHERE id = NEW.id;
END;

CREATE TRIGGER members_email_mirrors_user BEFORE UPDATE OF email ON members
  WHEN NEW.email IS NOT (SELECT u.email FROM _user AS u WHERE u.id = NEW.user) BEGIN
  SELECT RAISE(ABORT, 'the email of a membership is its account''s email');
END;

CREATE TRIGGER members_email_follows_user AFTER UPDATE OF email ON _user BEGIN
  UPDATE members SET email = NEW.email WHERE user = NEW.id;
END;
