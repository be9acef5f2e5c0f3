import * as assert from 'assert';
import { fork } from 'child_process';
import { Store } from '../../../src/core/store';
import { migrations } from '../../../src/core/store/migrations';
import { silentLogger } from '../../../src/core/logger';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { bundleScript, tempDbFile } from '../../support/bundleScript';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

const insertSession = (id: string) => (db: import('../../../src/core/store').SqlDb) => {
  const now = new Date().toISOString();
  db.run(
    `INSERT INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified)
     VALUES (?, 'focus', ?, 25, 'running', ?, ?)`,
    [id, now, now, now],
  );
};
/**
 * Makes opening `file` fail with EBUSY the next `times` times, as an antivirus or a sync tool holding it
 * on Windows does. It patches the module object itself (an import is a read-only view of it), which the
 * store reads through.
 */
function holdFile(file: string, times: number, code = 'EBUSY'): { times: number; release(): void } {
  const nodeFs = createRequire(__filename)('fs') as typeof fs;
  const openSync = nodeFs.openSync;
  const hold = { times, release: () => void (nodeFs.openSync = openSync) };
  nodeFs.openSync = ((p: fs.PathLike, ...rest: never[]) => {
    if (p === file && hold.times-- > 0) throw Object.assign(new Error(`${code}: cannot open '${file}'`), { code });
    return (openSync as (...args: unknown[]) => number)(p, ...rest);
  }) as typeof fs.openSync;
  return hold;
}
/** Window A, which has not looked at the files since window B saved a session into them (a journal record). */
async function windowAfterAnothersSave(): Promise<{ file: string; a: Store; b: Store }> {
  const file = tempDbFile();
  const a = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000 })).store;
  const b = (await openStoreOnDisk({ file, logger: silentLogger })).store;
  await b.write(insertSession('from-b'));
  return { file, a, b };
}

/** The session ids the file holds, read by a store of its own. */
async function idsInFile(file: string): Promise<string[]> {
  const check = (await openStoreOnDisk({ file, logger: silentLogger })).store;
  try {
    return check.read((db) => db.all<{ id: string }>('SELECT id FROM sessions ORDER BY id').map((r) => r.id));
  } finally {
    await check.close();
  }
}
const countSessions = (store: Store) => store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM sessions')!.n);

describe('store: many windows, one file', function () {
  this.timeout(120_000);

  it('keeps every write when two processes write 500 changes each at the same time', async () => {
    const { script, env } = bundleScript(path.join(__dirname, 'fixtures', 'concurrentWriter.ts'));
    const file = tempDbFile();
    (await openStoreOnDisk({ file, logger: silentLogger })).store.close();
    const run = (tag: string) =>
      new Promise<number | null>((resolve) => fork(script, [file, tag, '500'], { env }).once('exit', resolve));
    const codes = await Promise.all([run('a'), run('b')]);
    assert.deepStrictEqual(codes, [0, 0]);

    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    const ids = store.read((db) => db.all<{ id: string }>('SELECT id FROM sessions').map((r) => r.id));
    await store.close();
    assert.strictEqual(ids.length, 1000);
    for (const tag of ['a', 'b']) {
      for (let i = 0; i < 500; i++) assert.ok(ids.includes(`${tag}-${i}`), `${tag}-${i} was lost`);
    }
  });

  it("shows one window's write to another at once on read, and as a change event within a second, reading only the new record", async () => {
    const file = tempDbFile();
    const a = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    const b = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 200 })).store;
    const external = new Promise<void>((resolve) => b.onDidChange((e) => e.origin === 'external' && resolve()));
    const before = { ...b.counters };
    await a.write(insertSession('from-a'));
    const started = Date.now();
    await external;
    assert.ok(Date.now() - started < 1000, 'the other window heard of the change too late');
    assert.strictEqual(countSessions(b), 1);
    // Only the new record was read: no reload of the base, a few hundred bytes of journal.
    assert.strictEqual(b.counters.reloads, before.reloads, 'the other window reloaded the whole database');
    const read = b.counters.journalBytesRead - before.journalBytesRead;
    assert.ok(read > 0 && read < 1024, `the other window read ${read} bytes of journal for one change`);

    await b.write(insertSession('from-b'));
    assert.strictEqual(countSessions(a), 2, 'a read after the other write sees it');
    await Promise.all([a.close(), b.close()]);
  });

  it("takes in another window's one-column updates as such, and keeps nothing of them once applied", async () => {
    const file = tempDbFile();
    const a = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000 })).store;
    const b = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000 })).store;
    await b.write(insertSession('s'));
    for (let i = 0; i < 200; i++) await a.write((db) => db.run("UPDATE sessions SET label = ? WHERE id = 's'", [`label ${i}`]));
    assert.strictEqual(b.read((db) => db.get<{ label: string }>("SELECT label FROM sessions WHERE id = 's'")?.label), 'label 199');
    // The column triggers note every update on b's connection, its own and those it replays from a:
    // a window that only follows must not collect them for as long as it stays open.
    const noted = b.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM temp.focusflow_changed_rows')?.n);
    assert.strictEqual(noted, 0);
    await Promise.all([a.close(), b.close()]);
  });

  it("never erases another window's write when both write in turn without reading", async () => {
    const file = tempDbFile();
    const a = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000 })).store;
    const b = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000 })).store;
    for (let i = 0; i < 20; i++) {
      await a.write(insertSession(`a-${i}`));
      await b.write(insertSession(`b-${i}`));
    }
    await Promise.all([a.close(), b.close()]);
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    assert.strictEqual(countSessions(store), 40);
    await store.close();
  });
  it("waits out another window's write held for a moment by another program, and saves on top of it", async () => {
    const { file, a, b } = await windowAfterAnothersSave();
    const hold = holdFile(`${file}.journal`, 2);
    try {
      await a.write(insertSession('from-a'));
    } finally {
      hold.release();
    }
    assert.ok(hold.times < 0, 'A met the held file twice and read it the third time');
    assert.deepStrictEqual(await idsInFile(file), ['from-a', 'from-b']);
    await Promise.all([a.close(), b.close()]);
  });

  it("refuses to save over another window's write it cannot read, says why, and saves once it can", async () => {
    const { file, a, b } = await windowAfterAnothersSave();
    const hold = holdFile(`${file}.journal`, Infinity);
    try {
      await assert.rejects(a.write(insertSession('from-a')), (err: Error & { code?: string }) => {
        assert.strictEqual(err.code, 'persist-failed');
        assert.match(err.message, /EBUSY.*another program.*is holding the file.*not saved; check, then try again/);
        return true;
      });
    } finally {
      hold.release();
    }
    await a.write(insertSession('from-a'));
    assert.deepStrictEqual(await idsInFile(file), ['from-a', 'from-b']);
    await Promise.all([a.close(), b.close()]);
  });
  it("says to check the permissions when another window's save cannot be read for lack of them", async () => {
    const { file, a, b } = await windowAfterAnothersSave();
    const hold = holdFile(`${file}.journal`, Infinity, 'EACCES');
    try {
      await assert.rejects(a.write(insertSession('from-a')), /EACCES.*permissions do not let FocusFlow read it \(it may belong to another user\)/);
    } finally {
      hold.release();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('upgrades an older copy of the file put back by a backup or sync tool, and keeps working on it', async () => {
    const file = tempDbFile();
    const store = (await openStoreOnDisk({ file, logger: silentLogger, pollMs: 60_000 })).store;
    await store.write(insertSession('before-restore'));
    const older = tempDbFile();
    const old = (await openStoreOnDisk({ file: older, logger: silentLogger, migrations: migrations.slice(0, 1) })).store;
    await old.write(insertSession('in-the-backup'));
    await old.close();
    fs.renameSync(older, file);

    assert.deepStrictEqual(store.read((db) => db.all<{ id: string }>('SELECT id FROM sessions').map((r) => r.id)), ['in-the-backup']);
    // Version 4's column: without the upgrade this write fails with "no such column".
    await store.write((db) => db.run(`INSERT INTO sync_queue (id, entity_type, entity_id, operation, payload, created_at, owner)
      VALUES ('op', 'shared_session', 'e', 'create', '{}', '2026-03-02T10:00:00.000Z', 'u')`));
    await store.close();
    const check = (await openStoreOnDisk({ file, logger: silentLogger, migrations: [] }).catch((err: Error) => err)) as Error;
    assert.match(check.message, /newer version/, 'the upgraded schema was saved to the file');
  });

  it('refuses to save over a copy a newer FocusFlow upgraded, and says to update or reload', async () => {
    const file = tempDbFile();
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (m: string | Error) => void errors.push(String(m)) };
    const store = (await openStoreOnDisk({ file, logger, pollMs: 60_000 })).store;
    const newer = tempDbFile();
    const next = (await openStoreOnDisk({ file: newer, logger: silentLogger, migrations: [...migrations, { version: migrations.length + 1, name: 'next', up: (db) => db.exec('CREATE TABLE next_feature (id TEXT)') }] })).store;
    await next.close();
    fs.renameSync(newer, file);
    const onDisk = fs.readFileSync(file);

    await assert.rejects(store.write(insertSession('mine')), (err: Error & { code?: string }) => {
      assert.strictEqual(err.code, 'too-new');
      assert.match(err.message, /newer version.*reload this window/);
      return true;
    });
    assert.ok(fs.readFileSync(file).equals(onDisk), 'the newer file is untouched');
    errors.length = 0;
    for (let i = 0; i < 3; i++) store.read((db) => db.get('SELECT 1'));
    assert.strictEqual(errors.length, 0, 'a file already refused is not read and reported again on every look');
    await store.close();
  });

  it('opens a database another program holds for a moment, and never moves a held one aside as damaged', async () => {
    const file = tempDbFile();
    const first = (await openStoreOnDisk({ file, logger: silentLogger })).store;
    await first.write(insertSession('kept'));
    await first.close();
    const hold = holdFile(file, 3);
    try {
      const opened = await openStoreOnDisk({ file, logger: silentLogger });
      assert.strictEqual(opened.recovered, undefined);
      assert.strictEqual(countSessions(opened.store), 1);
      await opened.store.close();

      hold.times = Infinity;
      await assert.rejects(openStoreOnDisk({ file, logger: silentLogger }), (err: Error & { code?: string }) => {
        assert.strictEqual(err.code, 'unwritable');
        assert.match(err.message, /EBUSY.*another program may be holding it/);
        return true;
      });
    } finally {
      hold.release();
    }
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.corrupt-')), [], 'nothing was moved aside');
  });
});
