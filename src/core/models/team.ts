import { z } from 'zod';
import { base64ToUuid, uuidToBase64 } from '../ids';
import { parseRecord, SyncableRecord } from '../entities/entity';
import type { EntityDefinition } from '../entities/registry';
import { RecordTable, remoteIdsJson } from './recordTable';
import { checkRemoteIdMatches, epochMsField, isoFromMs, isoTimeField, localIdField, remoteIdField } from './fields';

/** One row of the local `teams` table. */
export interface TeamRecord {
  id: string;
  remote_id: string | null;
  name: string;
  invite_code: string;
  created_by: string;
  created_at: string;
  last_modified: string;
}

export const teamSchema: z.ZodType<TeamRecord> = z
  .object({
    id: localIdField,
    remote_id: remoteIdField.nullable(),
    name: z
      .string()
      .refine((n) => n.trim().length >= 1, { error: 'must not be blank' })
      .refine((n) => n.trim().length <= 100, { error: 'must be at most 100 characters' }),
    invite_code: z
      .string()
      .min(12, { error: 'must be at least 12 characters' })
      .max(64, { error: 'must be at most 64 characters' }),
    created_by: localIdField,
    created_at: isoTimeField,
    last_modified: isoTimeField,
  })
  .strict()
  .superRefine((r, ctx) => checkRemoteIdMatches(ctx, r.id, r.remote_id, 'remote_id'));

/** A row of the server's `teams` record API. Teams carry no client clock: `updated_at` is server time. */
export const remoteTeamSchema = z.object({
  id: remoteIdField,
  name: z.string(),
  invite_code: z.string(),
  created_by: remoteIdField,
  created_at: epochMsField,
  updated_at: epochMsField,
});
export type RemoteTeam = z.infer<typeof remoteTeamSchema>;

/** A team: whoever knows its invite code may join. */
export class Team extends SyncableRecord<TeamRecord, Team> {
  static readonly entityType = 'team';
  readonly entityType = Team.entityType;
  protected readonly schema = teamSchema;

  get remoteId(): string | undefined {
    return this.fields.remote_id ?? undefined;
  }

  set remoteId(id: string | undefined) {
    this.fields.remote_id = id ?? null;
  }

  get name(): string {
    return this.fields.name;
  }

  get inviteCode(): string {
    return this.fields.invite_code;
  }

  get createdBy(): string {
    return this.fields.created_by;
  }

  static fromRecord(record: unknown): Team {
    return new Team(parseRecord(teamSchema, Team.entityType, record));
  }

  static fromRemote(value: RemoteTeam): Team {
    return new Team({
      id: base64ToUuid(value.id),
      remote_id: value.id,
      name: value.name,
      invite_code: value.invite_code,
      created_by: base64ToUuid(value.created_by),
      created_at: isoFromMs(value.created_at),
      last_modified: isoFromMs(value.updated_at),
    });
  }

  /** `created_at`/`updated_at` are the server's to set. */
  toRemote(): Omit<RemoteTeam, 'created_at' | 'updated_at'> {
    const r = this.fields;
    return { id: uuidToBase64(r.id), name: r.name, invite_code: r.invite_code, created_by: uuidToBase64(r.created_by) };
  }
}

const table = new RecordTable<TeamRecord>('teams', ['id', 'remote_id', 'name', 'invite_code', 'created_by', 'created_at', 'last_modified']);

export const teamDefinition: EntityDefinition<Team> = {
  type: Team.entityType,
  apiName: 'teams',
  fromRecord: (record) => Team.fromRecord(record),
  toRecord: (t) => ({ ...t.toRecord() }),
  parseRemote(value) {
    const row = parseRecord(remoteTeamSchema, Team.entityType, value);
    return { entity: Team.fromRemote(row), deleted: false, updatedAt: row.updated_at };
  },
  toRemoteCreate: (t) => t.toRemote(),
  toRemoteUpdate: (t) => ({ name: t.name, invite_code: t.inviteCode }),
  toRemoteDeletion: () => undefined,
  remoteRecordId: uuidToBase64,
  load: (db, id) => {
    const row = table.get(db, id);
    return row && Team.fromRecord(row);
  },
  save: (db, t) => table.upsert(db, t.toRecord()),
  remove: (db, id) => void table.delete(db, id),
  setSyncStatus(db, ids, status) {
    if (status !== 'synced') return;
    db.run('UPDATE teams SET remote_id = acked.value FROM json_each(?) AS acked WHERE teams.id = acked.key', [remoteIdsJson(ids)]);
  },
};
