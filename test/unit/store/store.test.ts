import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StoreError, type SqlDb } from '../../../src/core/store';
import { silentLogger } from '../../../src/core/logger';
import { tempDbFile } from '../../support/bundleScript';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

function insertSession(id: string) {
  return (db: SqlDb) => {
    const now = new Date().toISOString();
    db.run(
      `INSERT INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified)
       VALUES (?, 'focus', ?, 25, 'completed', ?, ?)`,
      [id, now, now, now],
    );
  };
}

async function reopenCount(file: string): Promise<number> {
  const { store, recovered } = await openStoreOnDisk({ file, logger: silentLogger });
  assert.strictEqual(recovered, undefined);
  const n = store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM sessions')!.n);
  await store.close();
  return n;
}

describe('store', () => {
  it('creates the folder and the database file on first open', async () => {
    const file = path.join(tempDbFile(), '..', 'nested', 'deeper', 'focusflow.sqlite');
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    assert.ok(fs.existsSync(file));
    await store.close();
  });

  it('has a change on disk when write() resolves', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    await store.write(insertSession('one'));
    assert.strictEqual(await reopenCount(file), 1);
    await store.close();
  });

  it('writes a burst of 1,000 changes issued together with few file writes, losing none', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    const before = store.counters.persists;
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.write(insertSession(`burst-${i}`))));
    const writes = store.counters.persists - before;
    assert.ok(writes <= 20, `${writes} file writes for one burst`);
    await store.close();
    assert.strictEqual(await reopenCount(file), 1000);
  });

  it('rejects a failing write alone and keeps the others of its group', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    const results = await Promise.allSettled([
      store.write(insertSession('kept-1')),
      store.write((db) => {
        insertSession('half-done')(db);
        throw new Error('refused');
      }),
      store.write(insertSession('kept-2')),
    ]);
    assert.deepStrictEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    const ids = store.read((db) => db.all<{ id: string }>('SELECT id FROM sessions ORDER BY id').map((r) => r.id));
    assert.deepStrictEqual(ids, ['kept-1', 'kept-2']);
    await store.close();
  });

  it('moves a corrupt file aside, says where, and starts a working database', async () => {
    const file = tempDbFile();
    fs.writeFileSync(file, 'this is not a database, it is a note someone saved here by mistake');
    const { store, recovered } = await openStoreOnDisk({ file, logger: silentLogger });
    assert.ok(recovered, 'the user must be told');
    assert.match(path.basename(recovered.movedTo), /^focusflow\.sqlite\.corrupt-/);
    assert.match(fs.readFileSync(recovered.movedTo, 'utf8'), /note someone saved/);
    await store.write(insertSession('after-recovery'));
    await store.close();
    assert.strictEqual(await reopenCount(file), 1);
  });

  it('moves a truncated database aside instead of opening it', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    await store.write((db) => {
      for (let i = 0; i < 200; i++) insertSession(`s-${i}`)(db);
    });
    await store.close();
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4096));
    const reopened = await openStoreOnDisk({ file, logger: silentLogger });
    assert.ok(reopened.recovered);
    assert.match(reopened.recovered.reason, /cut short/);
    await reopened.store.close();
  });

  it('gives a typed, explained error when its folder cannot be created', async () => {
    const blocker = tempDbFile();
    fs.writeFileSync(blocker, 'a file where a folder should be');
    await assert.rejects(
      openStoreOnDisk({ file: path.join(blocker, 'storage', 'focusflow.sqlite'), logger: silentLogger }),
      (err: unknown) => err instanceof StoreError && err.code === 'unwritable' && /cannot write to its storage folder/.test(err.message),
    );
  });

  it('rejects a write it could not save and does not show it afterwards', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    await store.write(insertSession('saved'));
    const realOpen = fs.promises.open;
    // The disk fills up: opening the journal or a temp file fails the way it does for a real ENOSPC.
    fs.promises.open = (async (target: fs.PathLike, ...rest: unknown[]) => {
      if (/\.tmp-|\.journal$/.test(String(target))) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return (realOpen as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(target, ...rest);
    }) as typeof fs.promises.open;
    try {
      await assert.rejects(
        store.write(insertSession('lost')),
        (err: unknown) => err instanceof StoreError && err.code === 'persist-failed' && /ENOSPC/.test(err.message),
      );
    } finally {
      fs.promises.open = realOpen;
    }
    const ids = store.read((db) => db.all<{ id: string }>('SELECT id FROM sessions').map((r) => r.id));
    assert.deepStrictEqual(ids, ['saved'], 'an unsaved change must not look saved');
    await store.write(insertSession('later'));
    await store.close();
    assert.strictEqual(await reopenCount(file), 2);
  });

  it('takes over a lock left by a process that died', async () => {
    const file = tempDbFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), token: 'dead' }));
    const { store } = await openStoreOnDisk({ file, logger: silentLogger, lockTimeoutMs: 2_000 });
    await store.write(insertSession('after-dead-lock'));
    assert.ok(!fs.existsSync(`${file}.lock`), 'the lock is released after the write');
    await store.close();
  });

  it('never takes the lock from a live process on this machine while its write may still be going on', async () => {
    const file = tempDbFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'slow-writer' }));
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, minuteAgo, minuteAgo);
    await assert.rejects(
      openStoreOnDisk({ file, logger: silentLogger, lockStaleMs: 1_000, lockTimeoutMs: 1_500 }),
      (err: unknown) => err instanceof StoreError && err.code === 'lock-timeout',
    );
    assert.match(fs.readFileSync(lock, 'utf8'), /slow-writer/, 'the live owner still holds its lock');
  });

  it('takes over a lock whose pid is alive but belongs to another process: taken before a reboot, or ten minutes old', async () => {
    for (const [why, record, ageMs] of [
      ['before a reboot', { boot: Date.now() - os.uptime() * 1000 - 86_400_000 }, 0],
      ['ten minutes old', {}, 11 * 60_000],
    ] as const) {
      const file = tempDbFile();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const lock = `${file}.lock`;
      // process.pid is alive: the pid alone would keep this lock forever.
      fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'reused-pid', ...record }));
      const then = new Date(Date.now() - ageMs);
      fs.utimesSync(lock, then, then);
      const { store } = await openStoreOnDisk({ file, logger: silentLogger, lockTimeoutMs: 2_000 });
      await store.write(insertSession(`after-${why}`));
      await store.close();
      assert.strictEqual(await reopenCount(file), 1, why);
    }
  });

  it('keeps saving, and tells every other listener, when one listener of its changes throws', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    const heard: string[] = [];
    store.onDidChange(() => {
      throw new Error('a broken view');
    });
    store.onDidChange((e) => heard.push(e.origin));
    await store.write(insertSession('first'));
    const second = store.write(insertSession('second'));
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('the next write never finished')), 3_000));
    await Promise.race([second, timeout]);
    assert.deepStrictEqual(heard, ['local', 'local']);
    await store.close();
    assert.strictEqual(await reopenCount(file), 2);
  });

  it('saves writes queued before close() and refuses those issued after it began', async () => {
    const file = tempDbFile();
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    const queued = store.write(insertSession('before-close'));
    const closing = store.close();
    await assert.rejects(store.write(insertSession('after-close')), (err: unknown) => err instanceof StoreError && /closed/.test(err.message));
    await queued;
    await closing;
    assert.strictEqual(await reopenCount(file), 1);
  });

  it('leaves no temp files behind, and cleans those of killed processes at open', async () => {
    const file = tempDbFile();
    fs.writeFileSync(`${file}.tmp-${2 ** 22 + 54321}-1`, 'half a database');
    const { store } = await openStoreOnDisk({ file, logger: silentLogger });
    await store.write(insertSession('x'));
    await store.close();
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['focusflow.sqlite']);
  });
});
