import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import initSqlJs from 'sql.js';
import { StoreError, type SqlDb } from '../../../src/core/store';
import { migrations } from '../../../src/core/store/migrations';
import type { Migration } from '../../../src/core/store/migrations';
import { decodeRecords, encodeRecord } from '../../../src/core/store/journalRecord';
import { createNodeStorage } from '../../../src/node/store/nodeStorage';
import { applyInOrder, loadState, type RecordState } from '../../../src/core/store/replay';
import { loadSqlJs } from '../../../src/core/store/sqlite';
import { tempDbFile } from '../../support/bundleScript';
import { readAsFormat1, writeAsFormat1 } from './fixtures/journalFormat1';
import { assertSameDump, dump, dumpOnDisk, insertSession, journalOf, openAt, plainSessionIds, recordingLogger, sizeOf } from './journalHelpers';

const ids = (db: SqlDb) => db.all<{ id: string }>('SELECT id FROM sessions ORDER BY id').map((r) => r.id);

/** A schema step the real schema does not have yet, to prove what the journal does with each SQLite feature. */
const extra = (version: number, sql: string): Migration => ({ version, name: `test ${version}`, up: (db) => db.exec(sql) });
const next = migrations.length + 1;

describe('store: commit journal', function () {
  this.timeout(60_000);

  it('persists one change as one small journal record and leaves the base file untouched', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write((db) => {
      for (let i = 0; i < 300; i++) insertSession(`seed-${i}`)(db);
    });
    const base = fs.readFileSync(file);
    const journalBefore = sizeOf(journalOf(file));
    await store.write(insertSession('one-more'));
    const record = sizeOf(journalOf(file)) - journalBefore;
    assert.ok(record > 0 && record < 1024, `one row took ${record} journal bytes`);
    assert.ok(fs.readFileSync(file).equals(base), 'the base image was not rewritten');
    assertSameDump(await dumpOnDisk(file), store.read(dump), 'base + journal reopen to the live database');
    await store.close();
  });

  it('folds the journal into the base at close, so a program that ignores the journal reads everything', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    await store.write(insertSession('b'));
    assert.ok(sizeOf(journalOf(file)) > 0);
    await store.close();
    assert.ok(!fs.existsSync(journalOf(file)), 'no journal left after close');
    assert.deepStrictEqual(await plainSessionIds(file), ['a', 'b']);
  });

  it('checkpoints when the journal passes its size bound, and never on every commit', async () => {
    const file = tempDbFile();
    const store = await openAt(file, { journalLimitBytes: 4096 });
    const before = store.counters.checkpoints;
    for (let i = 0; i < 60; i++) await store.write(insertSession(`s-${i}`, 'a label long enough to fill the journal '.repeat(3)));
    const checkpoints = store.counters.checkpoints - before;
    assert.ok(checkpoints >= 2 && checkpoints <= 20, `${checkpoints} checkpoints for 60 commits at a 4 KB bound`);
    assert.ok(sizeOf(journalOf(file)) < 4096 + 1024, 'the journal restarted after each checkpoint');
    assertSameDump(await dumpOnDisk(file), store.read(dump));
    await store.close();
  });

  it('leaves room in the base at a checkpoint for the rows the journal adds, in a file any SQLite reads whole', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write((db) => {
      for (let i = 0; i < 2000; i++) insertSession(`seed-${i}`, 'x'.repeat(200))(db);
    });
    const live = store.read(dump);
    await store.close();
    const SQL = await initSqlJs();
    const plain = new SQL.Database(fs.readFileSync(file));
    try {
      const [pages, free, check] = ['page_count', 'freelist_count', 'integrity_check'].map((p) => plain.exec(`PRAGMA ${p}`)[0].values[0][0]);
      assert.ok(Number(free) >= Math.floor((Number(pages) - Number(free)) / 16), `${free} free pages of ${pages}`);
      assert.strictEqual(check, 'ok');
    } finally {
      plain.close();
    }
    assertSameDump(await dumpOnDisk(file), live, 'the checkpointed base holds the same rows');
  });

  it('writes a schema change made in a write as a whole image', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    const before = store.counters.checkpoints;
    await store.write((db) => {
      db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)');
      db.run("INSERT INTO notes VALUES ('n1', 'hello')");
    });
    assert.strictEqual(store.counters.checkpoints - before, 1);
    await store.write((db) => db.run("INSERT INTO notes VALUES ('n2', 'journaled')"));
    assertSameDump(await dumpOnDisk(file), store.read(dump));
    assert.match(await dumpOnDisk(file), /journaled/);
    await store.close();
  });

  it('persists a DELETE without WHERE, which the update hook never reports', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write((db) => ['a', 'b', 'c'].forEach((id) => insertSession(id)(db)));
    await store.write((db) => db.run('DELETE FROM sessions'));
    assert.deepStrictEqual(store.read(ids), []);
    const reopened = await dumpOnDisk(file);
    assert.strictEqual(reopened, store.read(dump));
    assert.doesNotMatch(reopened, /"id":"a"/, 'the deleted rows stay deleted after reopening');
    await store.close();
  });

  it('persists INSERT OR REPLACE that displaces another row through a unique key', async () => {
    const file = tempDbFile();
    const store = await openAt(file, {
      migrations: [...migrations, extra(next, 'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)')],
    });
    await store.write((db) => db.run("INSERT INTO tags (name, n) VALUES ('focus', 1), ('deep', 1)"));
    // The new row takes a new rowid; the old 'focus' row is deleted without the update hook hearing of it.
    await store.write((db) => db.run("INSERT OR REPLACE INTO tags (name, n) VALUES ('focus', 2)"));
    await store.write((db) => db.run("INSERT OR REPLACE INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified) VALUES ('s', 'focus', 't', 5, 'running', 't', 't')"));
    await store.write((db) => db.run("INSERT OR REPLACE INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified) VALUES ('s', 'break', 't', 5, 'running', 't', 't')"));
    const live = store.read(dump);
    assert.strictEqual(store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM tags')!.n), 2);
    assertSameDump(await dumpOnDisk(file), live);
    await store.close();
  });

  it('replays rows written by triggers once, not again through the trigger', async () => {
    const file = tempDbFile();
    const withTrigger = [
      ...migrations,
      extra(next, `CREATE TABLE session_log (id INTEGER PRIMARY KEY, session_id TEXT, what TEXT);
        CREATE TRIGGER log_insert AFTER INSERT ON sessions BEGIN
          INSERT INTO session_log (session_id, what) VALUES (NEW.id, 'inserted'); END;
        CREATE TRIGGER log_update AFTER UPDATE ON sessions BEGIN
          INSERT INTO session_log (session_id, what) VALUES (NEW.id, 'updated'); END;`),
    ];
    const store = await openAt(file, { migrations: withTrigger });
    await store.write(insertSession('a'));
    await store.write((db) => db.run("UPDATE sessions SET label = 'changed' WHERE id = 'a'"));
    const count = (db: SqlDb) => db.get<{ n: number }>('SELECT count(*) AS n FROM session_log')!.n;
    assert.strictEqual(store.read(count), 2);
    const reopened = await openAt(file, { migrations: withTrigger });
    assert.strictEqual(reopened.read(count), 2, 'the trigger did not run again on replay');
    assertSameDump(reopened.read(dump), store.read(dump));
    await reopened.write(insertSession('b'));
    assert.strictEqual(reopened.read(count), 3, 'the triggers are back after replay');
    await Promise.all([store.close(), reopened.close()]);
  });

  it('carries sqlite_sequence for AUTOINCREMENT tables, so ids are never reused after a reopen', async () => {
    const file = tempDbFile();
    const auto = [...migrations, extra(next, 'CREATE TABLE events (n INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT)')];
    const store = await openAt(file, { migrations: auto });
    await store.write((db) => db.run("INSERT INTO events (what) VALUES ('a'), ('b'), ('c')"));
    await store.write((db) => db.run('DELETE FROM events WHERE n = 3'));
    const reopened = await openAt(file, { migrations: auto });
    await reopened.write((db) => db.run("INSERT INTO events (what) VALUES ('d')"));
    assert.deepStrictEqual(
      reopened.read((db) => db.all<{ n: number }>('SELECT n FROM events ORDER BY n').map((r) => r.n)),
      [1, 2, 4],
      'id 3 was used once and must not come back',
    );
    await Promise.all([store.close(), reopened.close()]);
  });

  it('refuses WITHOUT ROWID tables, in a migration and in a write, and says why', async () => {
    const file = tempDbFile();
    await assert.rejects(
      openAt(file, { migrations: [...migrations, extra(next, 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID')] }),
      (err: unknown) => err instanceof StoreError && err.code === 'unsupported-schema' && /WITHOUT ROWID.*kv/.test(err.message),
    );
    const store = await openAt(file);
    await store.write(insertSession('kept'));
    await assert.rejects(
      store.write((db) => db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID')),
      (err: unknown) => err instanceof StoreError && err.code === 'unsupported-schema',
    );
    assert.strictEqual(store.read((db) => db.get("SELECT 1 AS y FROM sqlite_master WHERE name = 'kv'")), undefined);
    assert.deepStrictEqual(store.read(ids), ['kept']);
    await store.close();
  });

  it('cuts off a torn tail, says so, keeps every complete record before it, and appends after it', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    await store.write(insertSession('b'));
    const size = sizeOf(journalOf(file));
    await store.write(insertSession('torn'));
    // A crash in the middle of the last append: only part of its record reached the disk.
    fs.truncateSync(journalOf(file), size + 11);
    const logger = recordingLogger();
    const reopened = await openAt(file, { logger });
    assert.deepStrictEqual(reopened.read(ids), ['a', 'b']);
    assert.ok(logger.warnings.some((w) => /cut/i.test(w)), `warnings: ${logger.warnings.join(' | ')}`);
    await reopened.write(insertSession('c'));
    const again = await openAt(file);
    assert.deepStrictEqual(again.read(ids), ['a', 'b', 'c']);
    await Promise.all([again.close(), reopened.close()]);
    store.read(() => undefined);
  });

  it('stops at a damaged record and keeps the ones before it', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    const size = sizeOf(journalOf(file));
    await store.write(insertSession('b'));
    await store.write(insertSession('c'));
    const bytes = fs.readFileSync(journalOf(file));
    bytes[size + 20] ^= 0xff; // one flipped byte inside the second record
    fs.writeFileSync(journalOf(file), bytes);
    const logger = recordingLogger();
    const reopened = await openAt(file, { logger });
    assert.deepStrictEqual(reopened.read(ids), ['a']);
    assert.ok(logger.warnings.some((w) => /checksum/.test(w)), `warnings: ${logger.warnings.join(' | ')}`);
    await reopened.close();
    await store.close();
  });

  it('stops at a record that does not fit the database, keeps the ones before it, and applies none after it', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    const first = sizeOf(journalOf(file));
    await store.write(insertSession('b'));
    const second = sizeOf(journalOf(file));
    await store.write(insertSession('c'));
    // The second record, intact and in sequence, but naming a column the table does not have.
    const bytes = fs.readFileSync(journalOf(file));
    const [good] = decodeRecords(bytes.subarray(first, second)).records;
    const misfit = encodeRecord({ ...good.record, tables: { sessions: { columns: ['no_such_column'], upserts: [[99, 'x']], deletes: [] } } });
    fs.writeFileSync(journalOf(file), Buffer.concat([bytes.subarray(0, first), misfit, bytes.subarray(second)]));
    const logger = recordingLogger();
    const reopened = await openAt(file, { logger });
    assert.deepStrictEqual(reopened.read(ids), ['a']);
    assert.ok(logger.warnings.some((w) => /does not fit/.test(w)), `warnings: ${logger.warnings.join(' | ')}`);
    await reopened.close();
    await store.close();
  });

  it('writes an inserted row as its values alone (no column names, no empty lists), and an update as the columns it changed', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    let before = sizeOf(journalOf(file));
    await store.write(insertSession('a'));
    let bytes = fs.readFileSync(journalOf(file)).subarray(before);
    const inserted = decodeRecords(bytes).records[0].record.tables.sessions;
    assert.deepStrictEqual(Object.keys(inserted), ['upserts'], 'only the after-image, in declared column order');
    assert.strictEqual(inserted.upserts![0][1], 'a');
    before = sizeOf(journalOf(file));
    await store.write((db) => db.run("UPDATE sessions SET label = 'renamed', paused_seconds = paused_seconds WHERE id = 'a'"));
    bytes = fs.readFileSync(journalOf(file)).subarray(before);
    const updated = decodeRecords(bytes).records[0].record.tables.sessions;
    const labelBit = 2 ** store.read((db) => db.all<{ name: string }>("SELECT name FROM pragma_table_info('sessions')")).findIndex((c) => c.name === 'label');
    assert.deepStrictEqual(updated, { updates: [[inserted.upserts![0][0], labelBit, 'renamed']] }, 'the label alone: paused_seconds was set to what it was');
    // The checkpoint's image is amortised over the records the bound holds: the bytes a change costs at
    // 100k sessions follow the record's size (see the store bench). With every column named this was ~540.
    assert.ok(bytes.length < 200, `a one-column update took ${bytes.length} journal bytes`);
    assertSameDump(await dumpOnDisk(file), store.read(dump), 'base + journal reopen to the live database');
    await store.close();
  });

  it('appends a group that changes one column of thousands of rows as one small record, not a whole image', async () => {
    const file = tempDbFile();
    // A bound the 6,000 new rows fit in, so that only the update could call for an image.
    const store = await openAt(file, { journalLimitBytes: 4 << 20 });
    await store.write((db) => {
      for (let i = 0; i < 6_000; i++) insertSession(`s-${i}`, `a label of session ${i}`)(db);
    });
    const checkpoints = store.counters.checkpoints;
    const before = sizeOf(journalOf(file));
    // What a sync push does when it marks what it sent: one column of every row, in one write.
    await store.write((db) => db.run('UPDATE sessions SET completed = 1'));
    assert.strictEqual(store.counters.checkpoints, checkpoints, 'no whole image written');
    const bytes = sizeOf(journalOf(file)) - before;
    assert.ok(bytes < 6_000 * 24, `6,000 one-column updates took ${bytes} journal bytes`);
    assertSameDump(await dumpOnDisk(file), store.read(dump), 'base + journal reopen to the live database');
    await store.close();
  });

  it('replays records that name their columns (as the first journaling release wrote them) beside ones that do not', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    const first = sizeOf(journalOf(file));
    await store.write((db) => db.run("UPDATE sessions SET label = 'second' WHERE id = 'a'"));
    const live = store.read(dump);
    const bytes = fs.readFileSync(journalOf(file));
    const [{ record }] = decodeRecords(bytes.subarray(0, first)).records;
    const columns = store.read((db) => db.all<{ name: string }>("SELECT name FROM pragma_table_info('sessions')").map((c) => c.name));
    const named = encodeRecord({ ...record, tables: { sessions: { columns, upserts: record.tables.sessions.upserts, deletes: [] } } });
    fs.writeFileSync(journalOf(file), Buffer.concat([named, bytes.subarray(first)]));
    const reopened = await openAt(file);
    assertSameDump(reopened.read(dump), live, 'the named record and the compact one after it both applied');
    await reopened.close();
    await store.close();
  });

  it('keeps bytes and infinities, which JSON has no form for, through the journal', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    // SQLite keeps whatever a column is given: a blob in a text column, an infinity in a number one
    const blob = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    await store.write((db) => db.run('UPDATE sessions SET label = ?, paused_seconds = ? WHERE id = ?', [blob, -Infinity, 'a']));
    const reopened = await openAt(file);
    assertSameDump(reopened.read(dump), store.read(dump), 'base + journal reopen to the live database');
    const row = reopened.read((db) => db.get<{ label: Uint8Array; paused_seconds: number }>('SELECT label, paused_seconds FROM sessions WHERE id = ?', ['a']));
    assert.deepStrictEqual([...row!.label], [...blob]);
    assert.strictEqual(row!.paused_seconds, -Infinity);
    await reopened.close();
    await store.close();
  });

  it('reads a journal the first journaling build wrote, and folds it into the base at open', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    const [{ record }] = decodeRecords(fs.readFileSync(journalOf(file))).records;
    const columns = store.read((db) => db.all<{ name: string }>("SELECT name FROM pragma_table_info('sessions')").map((c) => c.name));
    const live = store.read(dump);
    // the journal as 0.1.0 would have left it after a crash: the same change, in its format
    const upserts = record.tables.sessions.upserts!;
    fs.writeFileSync(journalOf(file), writeAsFormat1({ generation: record.generation, base: record.base, seq: record.seq, tables: { sessions: { columns, upserts, deletes: [] } } }));
    const reopened = await openAt(file);
    assertSameDump(reopened.read(dump), live, 'the 0.1.0 record applied');
    assert.ok(!fs.existsSync(journalOf(file)) || sizeOf(journalOf(file)) === 0, 'folded into a checkpoint at open, so no new record follows an old one');
    assert.deepStrictEqual(await plainSessionIds(file), ['a'], 'the base alone holds it');
    await reopened.close();
    await store.close();
  });

  it('writes records the first journaling build takes for another base\'s, so it sets them aside instead of cutting them', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    await store.write((db) => db.run("UPDATE sessions SET label = 'renamed' WHERE id = 'a'"));
    const generation = store.read((db) => db.get<{ generation: string }>('SELECT generation FROM store_generation'))?.generation;
    assert.ok(generation, 'the base has a generation');
    const seen = readAsFormat1(fs.readFileSync(journalOf(file)));
    assert.strictEqual(seen.damaged, undefined, 'to 0.1.0 the records are whole, not damaged (it would cut them off)');
    assert.strictEqual(seen.records.length, 2);
    for (const r of seen.records) {
      assert.notStrictEqual(r.generation, generation, 'of another base to 0.1.0, which keeps such a journal aside as .stale-<time>');
      assert.deepStrictEqual(r.tables, {}, 'nothing 0.1.0 could apply in part');
    }
    await store.close();
  });

  it('stops at a record whose rows do not have a value for each of the table\'s columns', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    const first = sizeOf(journalOf(file));
    await store.write(insertSession('b'));
    const bytes = fs.readFileSync(journalOf(file));
    const [good] = decodeRecords(bytes.subarray(first)).records;
    const short = encodeRecord({ ...good.record, tables: { sessions: { upserts: [[99, 'x', 'focus']] } } });
    fs.writeFileSync(journalOf(file), Buffer.concat([bytes.subarray(0, first), short]));
    const logger = recordingLogger();
    const reopened = await openAt(file, { logger });
    assert.deepStrictEqual(reopened.read(ids), ['a']);
    assert.ok(logger.warnings.some((w) => /does not fit.*2 values for 14 columns/.test(w)), `warnings: ${logger.warnings.join(' | ')}`);
    await reopened.close();
    await store.close();
  });

  it('replays a long journal that rewrites the same rows into the same database, and replaying it again changes nothing', async () => {
    const file = tempDbFile();
    const store = await openAt(file, { migrations: [...migrations, extra(next, 'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)')] });
    for (let i = 0; i < 120; i++) {
      await store.write((db) => {
        // OR REPLACE through the id gives the session a new rowid and drops the old row unreported.
        db.run(
          `INSERT OR REPLACE INTO sessions (id, kind, label, start_time, planned_duration_minutes, state, created_at, last_modified)
           VALUES (?, 'focus', 'new', '2026-03-02T10:00:00.000Z', 25, 'completed', '', '')`,
          [`s${i % 7}-${Math.floor(i / 40)}`],
        );
        db.run('UPDATE sessions SET label = ? WHERE id = ?', [`label ${i}`, `s${(i * 3) % 7}-0`]);
        // Another group's row (never the one this group just inserted: see the pending test below).
        if (i % 5 === 0) db.run('DELETE FROM sessions WHERE id = ?', [`s${(i + 1) % 7}-${Math.floor(i / 40) ^ 1}`]);
        // A row displaced through the unique name, which the update hook never reports.
        db.run('INSERT OR REPLACE INTO tags (name, n) VALUES (?, ?)', [`t${i % 3}`, i]);
      });
    }
    const live = store.read(dump);
    assertSameDump(await dumpOnDisk(file), live, 'base + journal reopen to the live database');
    const sql = await loadSqlJs();
    const baseBytes = fs.readFileSync(file);
    const listing = await createNodeStorage(path.dirname(file), { lockName: 'unused.lock' }).list(path.basename(file));
    const version = listing.find((f) => f.name === path.basename(file))!.version;
    const journal = fs.readFileSync(journalOf(file));
    const loaded = loadState(sql, baseBytes, version, journal);
    try {
      assert.strictEqual(loaded.offset, journal.length, 'every record applied');
      const again: RecordState = { offset: 0, nextSeq: 1, generation: loaded.generation, base: version };
      assert.strictEqual(applyInOrder(loaded.db, decodeRecords(journal), again), loaded.nextSeq - 1);
      assertSameDump(dump(loaded.db), live, 'the journal replayed twice');
    } finally {
      loaded.db.close();
    }
    await store.close();
  });

  // Neither the update hook nor the change count sees REPLACE's deletions: a row displaced through a
  // unique key is only redone by replay while the displacing row's after-image still carries the key.
  for (const [how, after] of [
    ['deletes the displacing row', "DELETE FROM sessions WHERE id = 'a'"],
    ['changes the displacing row\'s key', "UPDATE sessions SET id = 'b' WHERE id = 'a'"],
  ]) {
    it(`replays a group that displaces a row through its key and then ${how}`, async () => {
      const file = tempDbFile();
      const store = await openAt(file);
      await store.write(insertSession('a'));
      await store.write((db) => {
        // a new rowid for 'a': the old row goes without the update hook hearing of it
        db.run("INSERT OR REPLACE INTO sessions SELECT * FROM sessions WHERE id = 'a'");
        db.run(after);
      });
      const live = store.read(dump);
      assertSameDump(await dumpOnDisk(file), live, 'base + journal reopen to the live database');
      await store.close();
    });
  }

  it('recognises a journal the base already holds (a crash between checkpoint and journal removal)', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    await store.write((db) => db.run("UPDATE sessions SET label = 'twice' WHERE id = 'a'"));
    const journal = fs.readFileSync(journalOf(file));
    const live = store.read(dump);
    await store.close();
    fs.writeFileSync(journalOf(file), journal);
    const logger = recordingLogger();
    const reopened = await openAt(file, { logger });
    assertSameDump(reopened.read(dump), live);
    assert.deepStrictEqual(logger.warnings, [], 'a redundant journal is no news to the user');
    await reopened.close();
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['focusflow.sqlite']);
  });

  it('sets aside, with a warning, a journal whose base another program replaced (an older FocusFlow)', async () => {
    const file = tempDbFile();
    const store = await openAt(file);
    await store.write(insertSession('a'));
    const base = fs.readFileSync(file);
    await store.write(insertSession('only-in-journal'));
    const journal = fs.readFileSync(journalOf(file));
    await store.close();
    // An older FocusFlow knows nothing of the journal (nor of the generation row, which it keeps as it
    // found it): it opened the base, changed a row and renamed a whole new image into place.
    const SQL = await (await import('sql.js')).default();
    const db = new SQL.Database(base);
    db.run("INSERT INTO sessions (id, kind, start_time, planned_duration_minutes, state, created_at, last_modified) VALUES ('older', 'focus', 't', 5, 'running', 't', 't')");
    fs.writeFileSync(`${file}.older-tmp`, db.export());
    fs.renameSync(`${file}.older-tmp`, file);
    db.close();
    fs.writeFileSync(journalOf(file), journal);
    const logger = recordingLogger();
    const reopened = await openAt(file, { logger });
    assert.deepStrictEqual(reopened.read(ids), ['older'], 'nothing of the journal was replayed over the other program\'s file');
    assert.ok(logger.warnings.some((w) => /kept as .*journal\.stale-/.test(w)), `warnings: ${logger.warnings.join(' | ')}`);
    const kept = fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.journal.stale-'));
    assert.strictEqual(kept.length, 1);
    assert.ok(fs.readFileSync(path.join(path.dirname(file), kept[0])).equals(journal), 'the set-aside journal holds the unapplied change');
    await reopened.close();
  });
});
