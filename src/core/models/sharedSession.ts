import { z } from 'zod';
import { base64ToUuid, uuidToBase64 } from '../ids';
import { parseRecord, SyncableRecord } from '../entities/entity';
import type { EntityDefinition } from '../entities/registry';
import { RecordTable, remoteIdsJson } from './recordTable';
import { checkRemoteIdMatches, epochMsField, isoTimeField, localIdField, remoteFlagField, remoteIdField } from './fields';

export type SyncStatus = 'pending' | 'synced' | 'failed';

/** One row of the local `shared_sessions` table (column names as keys; `completed` as a boolean). */
export interface SharedSessionRecord {
  id: string;
  local_session_id: string;
  remote_session_id: string | null;
  team_id: string;
  user_id: string;
  start_time: string;
  end_time: string | null;
  planned_duration_minutes: number;
  actual_duration_seconds: number | null;
  completed: boolean;
  shared_at: number;
  last_modified: string;
  sync_status: SyncStatus;
}

export const sharedSessionSchema: z.ZodType<SharedSessionRecord> = z
  .object({
    id: localIdField,
    local_session_id: z.string().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
    remote_session_id: remoteIdField.nullable(),
    team_id: localIdField,
    user_id: localIdField,
    start_time: isoTimeField,
    end_time: isoTimeField.nullable(),
    planned_duration_minutes: z
      .number()
      .int({ error: 'must be whole minutes' })
      .min(1, { error: 'must be at least 1 minute' })
      .max(1440, { error: 'must be at most 1440 minutes (24 hours)' }),
    actual_duration_seconds: z.number().int({ error: 'must be whole seconds' }).nonnegative({ error: 'must not be negative' }).nullable(),
    completed: z.boolean({ error: 'must be true or false' }),
    shared_at: epochMsField,
    last_modified: isoTimeField,
    sync_status: z.enum(['pending', 'synced', 'failed'], { error: 'must be pending, synced or failed' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.end_time !== null && Date.parse(r.end_time) < Date.parse(r.start_time)) {
      ctx.addIssue({ code: 'custom', path: ['end_time'], message: 'must not be before start_time' });
    }
    checkRemoteIdMatches(ctx, r.id, r.remote_session_id, 'remote_session_id');
  });

/**
 * A row of the server's `shared_sessions` record API as it arrives (ids in TrailBase's base64 form;
 * `team`/`user` instead of `team_id`/`user_id`; `deleted` tombstone; server-time `updated_at` in ms).
 */
export const remoteSharedSessionSchema = z.object({
  id: remoteIdField,
  team: remoteIdField,
  user: remoteIdField,
  local_session_id: z.string().min(1),
  start_time: isoTimeField,
  end_time: isoTimeField.nullable(),
  planned_duration_minutes: z.number().int().min(1).max(1440),
  actual_duration_seconds: z.number().int().nonnegative().nullable(),
  completed: remoteFlagField,
  last_modified: isoTimeField,
  deleted: remoteFlagField,
  created_at: epochMsField,
  updated_at: epochMsField,
});
export type RemoteSharedSession = z.infer<typeof remoteSharedSessionSchema>;

/** A focus session the user chose to share with a team, with its sync status. */
export class SharedSession extends SyncableRecord<SharedSessionRecord, SharedSession> {
  static readonly entityType = 'shared_session';
  readonly entityType = SharedSession.entityType;
  protected readonly schema = sharedSessionSchema;

  get remoteId(): string | undefined {
    return this.fields.remote_session_id ?? undefined;
  }

  set remoteId(id: string | undefined) {
    this.fields.remote_session_id = id ?? null;
  }

  get teamId(): string {
    return this.fields.team_id;
  }

  get userId(): string {
    return this.fields.user_id;
  }

  get syncStatus(): SyncStatus {
    return this.fields.sync_status;
  }

  /** Checks `record` against the schema; throws the typed validation error naming the first bad field. */
  static fromRecord(record: unknown): SharedSession {
    return new SharedSession(parseRecord(sharedSessionSchema, SharedSession.entityType, record));
  }

  /** The server's copy as a local entity: it is on the server, so it counts as synced. */
  static fromRemote(value: RemoteSharedSession): SharedSession {
    const id = base64ToUuid(value.id);
    return new SharedSession({
      id,
      local_session_id: value.local_session_id,
      remote_session_id: value.id,
      team_id: base64ToUuid(value.team),
      user_id: base64ToUuid(value.user),
      start_time: value.start_time,
      end_time: value.end_time,
      planned_duration_minutes: value.planned_duration_minutes,
      actual_duration_seconds: value.actual_duration_seconds,
      completed: value.completed === 1,
      shared_at: value.created_at,
      last_modified: value.last_modified,
      sync_status: 'synced',
    });
  }

  /** The record API body: the client-chosen id travels with it, so a retried create hits the same row. */
  toRemote(): Omit<RemoteSharedSession, 'created_at' | 'updated_at'> {
    const r = this.fields;
    return {
      id: uuidToBase64(r.id),
      team: uuidToBase64(r.team_id),
      user: uuidToBase64(r.user_id),
      local_session_id: r.local_session_id,
      start_time: r.start_time,
      end_time: r.end_time,
      planned_duration_minutes: r.planned_duration_minutes,
      actual_duration_seconds: r.actual_duration_seconds,
      completed: r.completed ? 1 : 0,
      last_modified: r.last_modified,
      deleted: 0,
    };
  }
}

const table = new RecordTable<SharedSessionRecord>(
  'shared_sessions',
  [
    'id',
    'local_session_id',
    'remote_session_id',
    'team_id',
    'user_id',
    'start_time',
    'end_time',
    'planned_duration_minutes',
    'actual_duration_seconds',
    'completed',
    'shared_at',
    'last_modified',
    'sync_status',
  ],
  ['completed'],
);

export const sharedSessionDefinition: EntityDefinition<SharedSession> = {
  type: SharedSession.entityType,
  apiName: 'shared_sessions',
  fromRecord: (record) => SharedSession.fromRecord(record),
  toRecord: (s) => ({ ...s.toRecord() }),
  parseRemote(value) {
    const row = parseRecord(remoteSharedSessionSchema, SharedSession.entityType, value);
    return { entity: SharedSession.fromRemote(row), deleted: row.deleted === 1, updatedAt: row.updated_at };
  },
  toRemoteCreate: (s) => s.toRemote(),
  toRemoteUpdate: (s) => {
    const { id: _id, team: _team, user: _user, ...changes } = s.toRemote();
    return changes;
  },
  // "Unshare" is a tombstone so teammates' incremental pulls see it.
  toRemoteDeletion: (s) => ({ ...s.toRemote(), deleted: 1 }),
  remoteRecordId: uuidToBase64,
  ownerOf: (s) => s.userId,
  load: (db, id) => {
    const row = table.get(db, id);
    return row && SharedSession.fromRecord(row);
  },
  save: (db, s) => table.upsert(db, s.toRecord()),
  remove: (db, id) => void table.delete(db, id),
  setSyncStatus(db, ids, status) {
    db.run(
      `UPDATE shared_sessions SET sync_status = :status,
         remote_session_id = CASE WHEN :status = 'synced' THEN acked.value ELSE remote_session_id END
       FROM json_each(:acked) AS acked WHERE shared_sessions.id = acked.key`,
      { ':status': status, ':acked': remoteIdsJson(ids) },
    );
  },
};
