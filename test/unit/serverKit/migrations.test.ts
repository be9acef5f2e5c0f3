// The server kit's migrations as a TrailBase v0.33 server applies them to a new database: interleaved
// by version with TrailBase's own, one of which rebuilds `_user` after the kit's first migrations ran.
import * as assert from 'assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase, type Db } from '../../server/db';
import { uuidV7 } from '../../server/uuid';

const KIT_MIGRATIONS = join(__dirname, '..', '..', '..', 'trailbase', 'traildepot', 'migrations', 'main');

function newServerDatabase(): Db {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'focusflow-kit-')));
  migrate(db, KIT_MIGRATIONS);
  return db;
}

describe('server kit migrations on a new TrailBase v0.33 database', () => {
  it("keep a member's email in step with their account after TrailBase rebuilt its user table", () => {
    const db = newServerDatabase();
    try {
      const user = db.prepare("INSERT INTO _user (email, password_hash) VALUES ('old@example.com', 'x') RETURNING id").pluck().get() as Buffer;
      db.prepare("INSERT INTO teams (id, name, created_by) VALUES (?, 'Kit', ?)").run(uuidV7(), user);
      const email = () => db.prepare('SELECT email FROM members WHERE user = ?').pluck().get(user);
      assert.strictEqual(email(), 'old@example.com');
      db.prepare("UPDATE _user SET email = 'new@example.com' WHERE id = ?").run(user);
      assert.strictEqual(email(), 'new@example.com');
    } finally {
      db.close();
    }
  });
});
