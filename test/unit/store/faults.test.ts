import * as assert from 'assert';
import * as fs from 'fs';
import { StoreError, type SqlDb } from '../../../src/core/store';
import { tempDbFile } from '../../support/bundleScript';
import { assertSameDump, dump, dumpOnDisk, insertSession, openAt } from './journalHelpers';

type Fault = 'ENOSPC on write' | 'EIO on fsync' | 'a short write';

/**
 * Makes the next write of a file whose path matches `target` fail the way a real disk does: the handle
 * the store opens is the real one, with one call replaced. A short write puts half the bytes in the file
 * and reports so, and the next write finds the disk full.
 */
function injectFault(target: RegExp, fault: Fault): { hit: number; restore(): void } {
  const realOpen = fs.promises.open;
  const state = { hit: 0, restore: () => void (fs.promises.open = realOpen) };
  fs.promises.open = (async (file: fs.PathLike, ...rest: unknown[]) => {
    const handle = await (realOpen as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(file, ...rest);
    if (!target.test(String(file))) return handle;
    let writes = 0;
    const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
    return new Proxy(handle, {
      get(real, prop) {
        if (prop === 'write' && fault !== 'EIO on fsync') {
          return async (bytes: Uint8Array, offset = 0, length = bytes.length - offset) => {
            state.hit++;
            if (fault === 'ENOSPC on write' || writes++ > 0) throw errno('ENOSPC');
            return real.write(bytes, offset, Math.max(1, Math.floor(length / 2)));
          };
        }
        if (prop === 'writeFile' && fault !== 'EIO on fsync') {
          return async (bytes: Uint8Array) => {
            state.hit++;
            if (fault === 'a short write') await real.write(bytes, 0, Math.floor(bytes.length / 2));
            throw errno('ENOSPC');
          };
        }
        if ((prop === 'sync' || prop === 'datasync') && fault === 'EIO on fsync') {
          return async () => {
            state.hit++;
            throw errno('EIO');
          };
        }
        const value = Reflect.get(real, prop, real) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
      },
    });
  }) as typeof fs.promises.open;
  return state;
}

const ids = (db: SqlDb) => db.all<{ id: string }>('SELECT id FROM sessions ORDER BY id').map((r) => r.id);

describe('store: faults in the write path', function () {
  this.timeout(30_000);

  for (const fault of ['ENOSPC on write', 'EIO on fsync', 'a short write'] as const) {
    it(`${fault} of a journal append: the commit fails clearly, memory stays with the disk, nothing acknowledged is lost`, async () => {
      const file = tempDbFile();
      const store = await openAt(file);
      await store.write(insertSession('acknowledged-1'));
      await store.write(insertSession('acknowledged-2'));
      const injected = injectFault(/\.journal$/, fault);
      try {
        await assert.rejects(store.write(insertSession('failed')), (err: unknown) => {
          assert.ok(err instanceof StoreError, String(err));
          assert.strictEqual(err.code, 'persist-failed');
          assert.match(err.message, /(ENOSPC|EIO).*free disk space.*not saved/);
          return true;
        });
      } finally {
        injected.restore();
      }
      assert.ok(injected.hit > 0, 'the fault was met');
      assert.deepStrictEqual(store.read(ids), ['acknowledged-1', 'acknowledged-2'], 'memory does not run ahead of the disk');
      assertSameDump(await dumpOnDisk(file), store.read(dump), 'the failed record left nothing the next open would replay');
      await store.write(insertSession('after'));
      assert.deepStrictEqual(JSON.parse(await dumpOnDisk(file)).some((part: unknown) => JSON.stringify(part).includes('"failed"')), false);
      await store.close();
      const reopened = await openAt(file);
      assert.deepStrictEqual(reopened.read(ids), ['acknowledged-1', 'acknowledged-2', 'after']);
      await reopened.close();
    });
  }

  for (const fault of ['ENOSPC on write', 'EIO on fsync', 'a short write'] as const) {
    it(`${fault} of a checkpoint: the schema change fails clearly and the base stays whole`, async () => {
      const file = tempDbFile();
      const store = await openAt(file);
      await store.write(insertSession('acknowledged'));
      const base = fs.readFileSync(file);
      const injected = injectFault(/\.tmp-/, fault);
      try {
        await assert.rejects(
          store.write((db) => db.exec('CREATE TABLE later (id TEXT PRIMARY KEY)')),
          (err: unknown) => err instanceof StoreError && err.code === 'persist-failed' && /(ENOSPC|EIO)/.test(err.message),
        );
      } finally {
        injected.restore();
      }
      assert.ok(injected.hit > 0, 'the fault was met');
      assert.ok(fs.readFileSync(file).equals(base), 'the base file is untouched');
      assert.strictEqual(store.read((db) => db.get("SELECT 1 AS y FROM sqlite_master WHERE name = 'later'")), undefined, 'memory went back to the disk');
      assert.deepStrictEqual(store.read(ids), ['acknowledged']);
      await store.write(insertSession('after'));
      await store.close();
      const reopened = await openAt(file);
      assert.deepStrictEqual(reopened.read(ids), ['acknowledged', 'after']);
      await reopened.close();
    });
  }
});
