import * as fc from 'fast-check';
import type { Store, SqlDb } from '../../../src/core/store';
import { migrations, type Migration } from '../../../src/core/store/migrations';
import { tempDbFile } from '../../support/bundleScript';
import { assertSameDump, dump, dumpOnDisk, openAt } from './journalHelpers';

/** The real schema plus what the journal must also follow: a trigger, AUTOINCREMENT, a second unique key. */
const schema: Migration[] = [
  ...migrations,
  {
    version: migrations.length + 1,
    name: 'property test extras',
    up: (db) =>
      db.exec(`CREATE TABLE session_log (n INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT, what TEXT);
        CREATE TRIGGER log_label AFTER UPDATE OF label ON sessions BEGIN
          INSERT INTO session_log (session_id, what) VALUES (NEW.id, NEW.label); END;
        CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER);`),
  },
];

type Op =
  | { kind: 'insert'; id: number; label: string }
  | { kind: 'replace'; id: number; label: string }
  | { kind: 'update'; id: number; label: string }
  | { kind: 'delete'; id: number }
  | { kind: 'deleteAll'; table: 'sessions' | 'tags' | 'session_log' }
  | { kind: 'tag'; name: string; n: number }
  | { kind: 'upsertTag'; name: string; n: number }
  | { kind: 'renameTag'; from: string; to: string }
  | { kind: 'moveTag'; name: string; by: number }
  | { kind: 'bumpTags' }
  | { kind: 'moveLog'; by: number }
  | { kind: 'sameLabel'; id: number }
  | { kind: 'trimLog' }
  | { kind: 'migrate'; step: number }
  | { kind: 'group'; ops: Op[] }
  | { kind: 'failing' }
  | { kind: 'reopen' };

const id = fc.integer({ min: 0, max: 12 });
const label = fc.string({ maxLength: 40 });
const tagName = fc.constantFrom('a', 'b', 'c', 'd');
const simple: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), id, label }),
  fc.record({ kind: fc.constant('replace' as const), id, label }),
  fc.record({ kind: fc.constant('update' as const), id, label }),
  fc.record({ kind: fc.constant('delete' as const), id }),
  fc.record({ kind: fc.constant('deleteAll' as const), table: fc.constantFrom('sessions' as const, 'tags' as const, 'session_log' as const) }),
  fc.record({ kind: fc.constant('tag' as const), name: fc.constantFrom('a', 'b', 'c', 'd'), n: fc.integer({ min: -5, max: 1e9 }) }),
  fc.record({ kind: fc.constant('upsertTag' as const), name: tagName, n: fc.integer({ min: -5, max: 1e9 }) }),
  fc.record({ kind: fc.constant('renameTag' as const), from: tagName, to: tagName }),
  fc.record({ kind: fc.constant('moveTag' as const), name: tagName, by: fc.integer({ min: -3, max: 3 }) }),
  fc.constant({ kind: 'bumpTags' as const }),
  fc.record({ kind: fc.constant('moveLog' as const), by: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('sameLabel' as const), id }),
  fc.constant({ kind: 'trimLog' as const }),
  fc.constant({ kind: 'failing' as const }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: simple, weight: 12 },
  { arbitrary: fc.record({ kind: fc.constant('group' as const), ops: fc.array(simple, { minLength: 2, maxLength: 6 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('migrate' as const), step: fc.integer({ min: 0, max: 1000 }) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'reopen' as const }), weight: 1 },
);

function apply(o: Exclude<Op, { kind: 'group' | 'reopen' }>): (db: SqlDb) => void {
  const now = '2026-03-02T10:00:00.000Z';
  const insert = (verb: string, id: number, label: string) => (db: SqlDb) =>
    db.run(
      `${verb} INTO sessions (id, kind, label, start_time, planned_duration_minutes, state, created_at, last_modified)
       VALUES (?, 'focus', ?, ?, 25, 'completed', ?, ?)`,
      [`s${id}`, label, now, now, now],
    );
  switch (o.kind) {
    case 'insert':
      return insert('INSERT OR IGNORE', o.id, o.label);
    case 'replace':
      return insert('INSERT OR REPLACE', o.id, o.label);
    case 'update':
      return (db) => db.run('UPDATE sessions SET label = ? WHERE id = ?', [o.label, `s${o.id}`]);
    case 'delete':
      return (db) => db.run('DELETE FROM sessions WHERE id = ?', [`s${o.id}`]);
    case 'deleteAll':
      return (db) => db.run(`DELETE FROM ${o.table}`);
    case 'tag':
      return (db) => db.run('INSERT OR REPLACE INTO tags (name, n) VALUES (?, ?)', [o.name, o.n]);
    // Updates recorded as the columns they change: a key given up and taken, a row moved to another
    // rowid, many rows at once, and an update that changes nothing.
    case 'upsertTag':
      return (db) => db.run('INSERT INTO tags (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = excluded.n', [o.name, o.n]);
    case 'renameTag':
      return (db) => db.run('UPDATE OR REPLACE tags SET name = ? WHERE name = ?', [o.to, o.from]);
    case 'moveTag':
      return (db) => db.run('UPDATE OR REPLACE tags SET id = id + ? WHERE name = ?', [o.by, o.name]);
    case 'moveLog':
      // A new rowid in a table with no other unique key: nothing but the record removes the old row.
      return (db) => db.run('UPDATE OR IGNORE session_log SET n = n + ? WHERE n = (SELECT min(n) FROM session_log)', [o.by]);
    case 'bumpTags':
      return (db) => db.run('UPDATE tags SET n = n + 1');
    case 'sameLabel':
      return (db) => db.run('UPDATE sessions SET label = label WHERE id = ?', [`s${o.id}`]);
    case 'trimLog':
      return (db) => db.run('DELETE FROM session_log WHERE n = (SELECT max(n) FROM session_log)');
    case 'failing':
      return (db) => {
        db.run("UPDATE sessions SET label = 'never saved'");
        throw new Error('this write fails after changing rows');
      };
    case 'migrate':
      // A schema change between commits, as a later migration would make.
      return (db) => db.exec(`CREATE TABLE IF NOT EXISTS extra_${o.step} (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO extra_${o.step} (v) VALUES ('x')`);
  }
}

describe('store: property — base plus journal always reopen to the live database', function () {
  this.timeout(240_000);

  it('holds after every prefix of random transactions, migrations, reopenings and checkpoints', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), fc.integer({ min: 600, max: 6000 }), async (ops, journalLimitBytes) => {
        const file = tempDbFile();
        let store: Store = await openAt(file, { migrations: schema, journalLimitBytes });
        try {
          for (const o of ops) {
            if (o.kind === 'reopen') {
              await store.close();
              store = await openAt(file, { migrations: schema, journalLimitBytes });
            } else if (o.kind === 'group') {
              // Issued together: one group commit, one record; a failing write drops out alone.
              await Promise.allSettled(o.ops.map((g) => store.write(apply(g as Exclude<Op, { kind: 'group' | 'reopen' }>))));
            } else {
              await store.write(apply(o)).catch(() => undefined);
            }
            assertSameDump(await dumpOnDisk(file), store.read(dump), `after ${JSON.stringify(o)}`);
          }
        } finally {
          await store.close();
        }
      }),
      // a failure prints its seed and path; FOCUSFLOW_PROPERTY_SEED (and _PATH) replays exactly that case
      {
        numRuns: Number(process.env.FOCUSFLOW_PROPERTY_RUNS ?? 80),
        ...(process.env.FOCUSFLOW_PROPERTY_SEED ? { seed: Number(process.env.FOCUSFLOW_PROPERTY_SEED) } : {}),
        ...(process.env.FOCUSFLOW_PROPERTY_PATH ? { path: process.env.FOCUSFLOW_PROPERTY_PATH } : {}),
      },
    );
  });
});
