import * as assert from 'assert';
import fc from 'fast-check';
import { uuidToBase64 } from '../../../src/core/ids';
import { createEntityRegistry, Member, SharedSession, Team } from '../../../src/core/models';
import type { Store } from '../../../src/core/store';
import type { AnySyncableEntity } from '../../../src/core/entities/entity';
import { SyncQueue } from '../../../src/core/sync/queue';
import { FakeClock, openStore } from '../sync/fixtures';
import { memberRecordArb, sharedSessionRecordArb, teamRecordArb } from './arbitraries';

const registry = createEntityRegistry();

type StoredRecord = Record<string, unknown> & { id: string };

/** Per model: valid records, the parser, and how the server would echo the record back with its own fields. */
const models = [
  {
    type: 'shared_session',
    arb: sharedSessionRecordArb as unknown as fc.Arbitrary<StoredRecord>,
    parse: (r: unknown): AnySyncableEntity => SharedSession.fromRecord(r),
    serverEcho: (r: Record<string, unknown>) => ({ created_at: r.shared_at, updated_at: 1 }),
    afterPull: (r: Record<string, unknown>) => ({ ...r, remote_session_id: uuidToBase64(r.id as string), sync_status: 'synced' }),
  },
  {
    type: 'team',
    arb: teamRecordArb as unknown as fc.Arbitrary<StoredRecord>,
    parse: (r: unknown): AnySyncableEntity => Team.fromRecord(r),
    serverEcho: (r: Record<string, unknown>) => ({ created_at: Date.parse(r.created_at as string), updated_at: Date.parse(r.last_modified as string) }),
    afterPull: (r: Record<string, unknown>) => ({ ...r, remote_id: uuidToBase64(r.id as string) }),
  },
  {
    type: 'member',
    arb: memberRecordArb as unknown as fc.Arbitrary<StoredRecord>,
    parse: (r: unknown): AnySyncableEntity => Member.fromRecord(r),
    serverEcho: (r: Record<string, unknown>) => ({ joined_at: Date.parse(r.joined_at as string), updated_at: Date.parse(r.last_modified as string) }),
    // The server keeps no email; a pulled membership has none until this client learns it.
    afterPull: (r: Record<string, unknown>) => ({ ...r, remote_id: uuidToBase64(r.id as string), email: null }),
  },
];

describe('model serialisation round-trips (property)', () => {
  let store: Store;

  before(async () => {
    ({ store } = await openStore());
  });

  after(async () => {
    await store.close();
  });

  for (const model of models) {
    describe(model.type, () => {
      const definition = registry.get(model.type);

      it('record → JSON text → record is the identity', () => {
        fc.assert(
          fc.property(model.arb, (record) => {
            const entity = model.parse(record);
            assert.strictEqual(entity.validate(), undefined);
            assert.deepStrictEqual(definition.toRecord(definition.fromRecord(JSON.parse(JSON.stringify(entity)))), record);
          }),
          { numRuns: 300 },
        );
      });

      it('record → local table row → record is the identity', async function () {
        this.timeout(60_000);
        await fc.assert(
          fc.asyncProperty(fc.array(model.arb, { minLength: 1, maxLength: 5 }), async (records) => {
            const loaded = await store.write((db) => {
              for (const r of records) definition.save(db, model.parse(r));
              return records.map((r) => {
                const loaded = definition.load(db, r.id);
                return loaded && definition.toRecord(loaded);
              });
            });
            assert.deepStrictEqual(loaded, records);
          }),
          { numRuns: 40 },
        );
      });

      it('record → queued payload → record is the identity', async function () {
        this.timeout(60_000);
        const queue = new SyncQueue({ registry, clock: new FakeClock() });
        await fc.assert(
          fc.asyncProperty(model.arb, async (record) => {
            const [op] = await store.write((db) => {
              db.exec('DELETE FROM sync_queue');
              queue.enqueue(db, 'create', model.parse(record));
              return queue.takeBatch(db, Number.MAX_SAFE_INTEGER);
            });
            assert.deepStrictEqual(definition.toRecord(definition.fromRecord(op.payload)), record);
          }),
          { numRuns: 40 },
        );
      });

      it('record → server body (+ server fields) → pulled record keeps every shared field', () => {
        fc.assert(
          fc.property(model.arb, (record) => {
            const body = definition.toRemoteCreate(model.parse(record));
            assert.strictEqual(body.id, uuidToBase64(record.id));
            const pulled = definition.parseRemote(JSON.parse(JSON.stringify({ ...body, ...model.serverEcho(record) })));
            assert.deepStrictEqual(definition.toRecord(pulled.entity), model.afterPull(record));
            assert.strictEqual(pulled.deleted, false);
          }),
          { numRuns: 300 },
        );
      });
    });
  }
});
