import * as assert from 'assert';
import { Store } from '../../../src/core/store';
import { migrations } from '../../../src/core/store/migrations';
import { silentLogger } from '../../../src/core/logger';
import { tempDbFile } from '../../support/bundleScript';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

const latest = migrations[migrations.length - 1].version;

function tables(store: Store): string[] {
  return store.read((db) =>
    db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name),
  );
}

describe('store migrations', () => {
  it('numbers migrations consecutively from 1', () => {
    assert.deepStrictEqual(
      migrations.map((m) => m.version),
      migrations.map((_, i) => i + 1),
    );
  });

  it('creates the whole schema on an empty database', async () => {
    const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
    assert.strictEqual(store.read((db) => db.get<{ user_version: number }>('PRAGMA user_version')!.user_version), latest);
    for (const table of ['sessions', 'team_connection', 'shared_sessions', 'sync_queue']) {
      assert.ok(tables(store).includes(table), `${table} is missing`);
    }
    const indexes = store.read((db) => db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'").map((r) => r.name));
    for (const column of ['team_id', 'user_id', 'sync_status']) {
      assert.ok(indexes.some((n) => n.endsWith(column)), `no index on ${column}`);
    }
    await store.close();
  });

  for (let from = 1; from < latest; from++) {
    it(`upgrades a database of version ${from} to ${latest} and keeps its data`, async () => {
      const file = tempDbFile();
      const old = (await openStoreOnDisk({ file, logger: silentLogger, migrations: migrations.slice(0, from) })).store;
      const now = new Date().toISOString();
      await old.write((db) =>
        db.run(
          `INSERT INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified)
           VALUES ('kept', 'focus', ?, 25, 'completed', ?, ?)`,
          [now, now, now],
        ),
      );
      await old.close();
      const { store } = await openStoreOnDisk({ file, logger: silentLogger });
      assert.strictEqual(store.read((db) => db.get<{ user_version: number }>('PRAGMA user_version')!.user_version), latest);
      assert.strictEqual(store.read((db) => db.get<{ id: string }>('SELECT id FROM sessions')!.id), 'kept');
      await store.close();
    });
  }

  it('gives shared sessions already queued before version 4 their owner, and leaves other operations to anyone', async () => {
    const file = tempDbFile();
    const old = (await openStoreOnDisk({ file, logger: silentLogger, migrations: migrations.slice(0, 3) })).store;
    await old.write((db) => {
      const queue = `INSERT INTO sync_queue (id, entity_type, entity_id, operation, payload, created_at, seq) VALUES (?, ?, ?, 'create', ?, '2026-03-02T10:00:00.000Z', ?)`;
      db.run(queue, ['op-1', 'shared_session', 's-1', JSON.stringify({ id: 's-1', user_id: 'user-a' }), 1]);
      db.run(queue, ['op-2', 'team', 't-1', JSON.stringify({ id: 't-1', created_by: 'user-a' }), 2]);
    });
    await old.close();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    const owners = store.read((db) => db.all<{ id: string; owner: string | null }>('SELECT id, owner FROM sync_queue ORDER BY seq'));
    assert.deepStrictEqual(owners, [
      { id: 'op-1', owner: 'user-a' },
      { id: 'op-2', owner: null },
    ]);
    await store.close();
  });

  it('refuses a database written by a newer version instead of damaging it', async () => {
    const file = tempDbFile();
    (await openStoreOnDisk({ file, logger: silentLogger })).store.close();
    const tooOld = migrations.slice(0, latest - 1);
    if (tooOld.length === 0) {
      // With one migration there is no older build to simulate; use an empty list (a build that knows no schema).
      await assert.rejects(openStoreOnDisk({ file, logger: silentLogger, migrations: [] }), /newer version/);
    } else {
      await assert.rejects(openStoreOnDisk({ file, logger: silentLogger, migrations: tooOld }), /newer version/);
    }
  });
});
