import * as assert from 'assert';
import { z } from 'zod';
import { base64ToUuid, uuidToBase64, uuidv7 } from '../../../src/core/ids';
import { createEntityRegistry, Member, SharedSession, Team } from '../../../src/core/models';
import type { SqlDb, Store } from '../../../src/core/store';
import { parseRecord, SyncableRecord } from '../../../src/core/entities/entity';
import { EntityRegistry, type EntityDefinition } from '../../../src/core/entities/registry';
import { SyncQueue } from '../../../src/core/sync/queue';
import { FakeClock, openStore, sharedSessionRecord } from './fixtures';

/**
 * A type the product does not have: a team note. Everything it needs is here, in the test: its model,
 * its table, its definition. Nothing in src/ is touched to make it sync.
 */
interface NoteRecord {
  id: string;
  text: string;
  synced: boolean;
  last_modified: string;
}
const noteSchema: z.ZodType<NoteRecord> = z.object({ id: z.uuid(), text: z.string().min(1, { error: 'must not be empty' }), synced: z.boolean(), last_modified: z.iso.datetime() }).strict();

class Note extends SyncableRecord<NoteRecord, Note> {
  readonly entityType = 'note';
  protected readonly schema = noteSchema;
  get remoteId(): string | undefined {
    return this.fields.synced ? uuidToBase64(this.fields.id) : undefined;
  }
  set remoteId(id: string | undefined) {
    this.fields.synced = id !== undefined;
  }
}

const noteDefinition: EntityDefinition<Note> = {
  type: 'note',
  apiName: 'notes',
  fromRecord: (r) => new Note(parseRecord(noteSchema, 'note', r)),
  toRecord: (n) => ({ ...n.toRecord() }),
  parseRemote: (v) => {
    const row = parseRecord(z.object({ id: z.string(), text: z.string(), updated_at: z.number() }), 'note', v);
    return { entity: new Note({ id: base64ToUuid(row.id), text: row.text, synced: true, last_modified: new Date(row.updated_at).toISOString() }), deleted: false, updatedAt: row.updated_at };
  },
  toRemoteCreate: (n) => ({ id: uuidToBase64(n.localId), text: n.toRecord().text }),
  toRemoteUpdate: (n) => ({ text: n.toRecord().text }),
  toRemoteDeletion: () => undefined,
  remoteRecordId: uuidToBase64,
  load: (db, id) => {
    const row = db.get<{ id: string; text: string; synced: number; last_modified: string }>('SELECT * FROM notes WHERE id = ?', [id]);
    return row && new Note({ ...row, synced: row.synced === 1 });
  },
  save: (db, n) => {
    const r = n.toRecord();
    db.run('INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?)', [r.id, r.text, r.synced ? 1 : 0, r.last_modified]);
  },
  remove: (db, id) => void db.run('DELETE FROM notes WHERE id = ?', [id]),
  setSyncStatus: (db, ids, status) => {
    for (const id of ids) db.run('UPDATE notes SET synced = ? WHERE id = ?', [status === 'synced' ? 1 : 0, id]);
  },
};

describe('entity registry', () => {
  let store: Store;

  before(async () => {
    ({ store } = await openStore());
    await store.write((db) => db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY, text TEXT NOT NULL, synced INTEGER NOT NULL, last_modified TEXT NOT NULL)'));
  });

  after(async () => {
    await store.close();
  });

  it('syncs a newly registered entity type through the unchanged queue', async () => {
    const registry = createEntityRegistry().register(noteDefinition);
    const queue = new SyncQueue({ registry, clock: new FakeClock() });
    const note = new Note({ id: uuidv7(), text: 'retro at 4', synced: false, last_modified: '2026-03-02T10:00:00.000Z' });
    const [op] = await store.write((db) => {
      queue.recordLocalChange(db, 'create', note);
      return queue.takeBatch(db, Date.now());
    });
    assert.deepStrictEqual(registry.toRemoteOperation(op), { Create: { api_name: 'notes', value: { id: uuidToBase64(note.localId), text: 'retro at 4' } } });
    await store.write((db) => queue.markSucceeded(db, op));
    const stored = store.read((db: SqlDb) => noteDefinition.load(db, note.localId));
    assert.strictEqual(stored?.remoteId, uuidToBase64(note.localId));
  });

  it('refuses a second definition for a type or a record API', () => {
    const registry = new EntityRegistry().register(noteDefinition);
    assert.throws(() => registry.register(noteDefinition), /note is already registered/);
    assert.throws(() => registry.register({ ...noteDefinition, type: 'memo' }), /record API notes already belongs/);
  });

  it('names an unknown type and how to fix it', () => {
    assert.throws(() => createEntityRegistry().get('note'), /unknown entity type note; register it first/);
  });

  describe('what queued operations send to TrailBase', () => {
    const registry = createEntityRegistry();
    const session = SharedSession.fromRecord(sharedSessionRecord());
    const recordId = uuidToBase64(session.localId);
    const op = (operation: 'create' | 'update' | 'delete', entityType: string, payload: unknown, entityId: string) => ({
      id: uuidv7(),
      entityType,
      entityId,
      operation,
      payload,
      createdAt: '2026-03-02T10:00:00.000Z',
      retryCount: 0,
      lastError: null,
      status: 'pending' as const,
      nextAttemptAt: 0,
      revision: 0,
      seq: 1,
    });

    it('creates a shared session under its client-generated id, with the server’s column names', () => {
      const sent = registry.toRemoteOperation(op('create', 'shared_session', session.toRecord(), session.localId));
      assert.ok('Create' in sent);
      assert.strictEqual(sent.Create.api_name, 'shared_sessions');
      assert.deepStrictEqual(Object.keys(sent.Create.value).sort(), [
        'actual_duration_seconds', 'completed', 'deleted', 'end_time', 'id', 'last_modified', 'local_session_id', 'planned_duration_minutes', 'start_time', 'team', 'user',
      ]);
      assert.strictEqual(sent.Create.value.id, recordId);
      assert.strictEqual(sent.Create.value.team, uuidToBase64(session.teamId));
      assert.strictEqual(sent.Create.value.completed, 1);
      assert.strictEqual(sent.Create.value.deleted, 0);
    });

    it('updates a shared session by record id without moving it to another team or user', () => {
      const sent = registry.toRemoteOperation(op('update', 'shared_session', session.toRecord(), session.localId));
      assert.ok('Update' in sent);
      assert.strictEqual(sent.Update.record_id, recordId);
      assert.deepStrictEqual(['id', 'team', 'user'].filter((k) => k in sent.Update.value), []);
    });

    it('unshares a session with a tombstone created over whatever the server holds, so pulls see it', () => {
      assert.deepStrictEqual(registry.toRemoteOperation(op('delete', 'shared_session', session.toRecord(), session.localId)), {
        Create: { api_name: 'shared_sessions', value: { ...session.toRemote(), deleted: 1 } },
      });
    });

    it('removes a membership with a real delete and changes only the role on update', () => {
      const member = Member.fromRecord({
        id: uuidv7(),
        remote_id: null,
        team_id: uuidv7(),
        user_id: uuidv7(),
        role: 'Admin',
        email: null,
        joined_at: '2026-03-01T00:00:00.000Z',
        last_modified: '2026-03-01T00:00:00.000Z',
      });
      const memberId = uuidToBase64(member.localId);
      assert.deepStrictEqual(registry.toRemoteOperation(op('delete', 'member', member.toRecord(), member.localId)), {
        Delete: { api_name: 'members', record_id: memberId },
      });
      assert.deepStrictEqual(registry.toRemoteOperation(op('update', 'member', member.toRecord(), member.localId)), {
        Update: { api_name: 'members', record_id: memberId, value: { role: 'admin' } },
      });
    });

    it('renames a team or rotates its code without touching its owner', () => {
      const team = Team.fromRecord({
        id: uuidv7(),
        remote_id: null,
        name: 'Night owls',
        invite_code: '0123456789abcdef',
        created_by: uuidv7(),
        created_at: '2026-03-01T00:00:00.000Z',
        last_modified: '2026-03-01T00:00:00.000Z',
      });
      assert.deepStrictEqual(registry.toRemoteOperation(op('update', 'team', team.toRecord(), team.localId)), {
        Update: { api_name: 'teams', record_id: uuidToBase64(team.localId), value: { name: 'Night owls', invite_code: '0123456789abcdef' } },
      });
    });
  });
});
