import { z } from 'zod';
import { base64ToUuid, uuidToBase64 } from '../ids';
import { parseRecord, SyncableRecord } from '../entities/entity';
import type { EntityDefinition } from '../entities/registry';
import { RecordTable, remoteIdsJson } from './recordTable';
import { checkRemoteIdMatches, epochMsField, isoFromMs, isoTimeField, localIdField, remoteIdField } from './fields';

export type MemberRole = 'Owner' | 'Admin' | 'Member';

const remoteRoles = { Owner: 'owner', Admin: 'admin', Member: 'member' } as const satisfies Record<MemberRole, string>;
type RemoteRole = (typeof remoteRoles)[MemberRole];
const localRoles = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const satisfies Record<RemoteRole, MemberRole>;

/**
 * One row of the local `members` table. `email` is known only locally (the server's `members` table has
 * none); a pulled membership keeps whatever email this client already had for it.
 */
export interface MemberRecord {
  id: string;
  remote_id: string | null;
  team_id: string;
  user_id: string;
  role: MemberRole;
  email: string | null;
  joined_at: string;
  last_modified: string;
}

export const memberSchema: z.ZodType<MemberRecord> = z
  .object({
    id: localIdField,
    remote_id: remoteIdField.nullable(),
    team_id: localIdField,
    user_id: localIdField,
    role: z.enum(['Owner', 'Admin', 'Member'], { error: 'must be Owner, Admin or Member' }),
    email: z.email({ error: 'must be an email address' }).nullable(),
    joined_at: isoTimeField,
    last_modified: isoTimeField,
  })
  .strict()
  .superRefine((r, ctx) => checkRemoteIdMatches(ctx, r.id, r.remote_id, 'remote_id'));

/** A row of the server's `members` record API. */
export const remoteMemberSchema = z.object({
  id: remoteIdField,
  team: remoteIdField,
  user: remoteIdField,
  role: z.enum(['owner', 'admin', 'member']),
  joined_at: epochMsField,
  updated_at: epochMsField,
});
export type RemoteMember = z.infer<typeof remoteMemberSchema>;

/** A user's membership of a team, with their role. */
export class Member extends SyncableRecord<MemberRecord, Member> {
  static readonly entityType = 'member';
  readonly entityType = Member.entityType;
  protected readonly schema = memberSchema;

  get remoteId(): string | undefined {
    return this.fields.remote_id ?? undefined;
  }

  set remoteId(id: string | undefined) {
    this.fields.remote_id = id ?? null;
  }

  get teamId(): string {
    return this.fields.team_id;
  }

  get userId(): string {
    return this.fields.user_id;
  }

  get role(): MemberRole {
    return this.fields.role;
  }

  get email(): string | null {
    return this.fields.email;
  }

  static fromRecord(record: unknown): Member {
    return new Member(parseRecord(memberSchema, Member.entityType, record));
  }

  static fromRemote(value: RemoteMember, email: string | null = null): Member {
    return new Member({
      id: base64ToUuid(value.id),
      remote_id: value.id,
      team_id: base64ToUuid(value.team),
      user_id: base64ToUuid(value.user),
      role: localRoles[value.role],
      email,
      joined_at: isoFromMs(value.joined_at),
      last_modified: isoFromMs(value.updated_at),
    });
  }

  /** Only the role is writable on the server; membership itself comes from creating or joining a team. */
  toRemote(): Pick<RemoteMember, 'id' | 'team' | 'user' | 'role'> {
    const r = this.fields;
    return { id: uuidToBase64(r.id), team: uuidToBase64(r.team_id), user: uuidToBase64(r.user_id), role: remoteRoles[r.role] };
  }
}

const table = new RecordTable<MemberRecord>('members', ['id', 'remote_id', 'team_id', 'user_id', 'role', 'email', 'joined_at', 'last_modified']);

export const memberDefinition: EntityDefinition<Member> = {
  type: Member.entityType,
  apiName: 'members',
  fromRecord: (record) => Member.fromRecord(record),
  toRecord: (m) => ({ ...m.toRecord() }),
  parseRemote(value) {
    const row = parseRecord(remoteMemberSchema, Member.entityType, value);
    return { entity: Member.fromRemote(row), deleted: false, updatedAt: row.updated_at };
  },
  toRemoteCreate: (m) => m.toRemote(),
  toRemoteUpdate: (m) => ({ role: m.toRemote().role }),
  toRemoteDeletion: () => undefined,
  remoteRecordId: uuidToBase64,
  load: (db, id) => {
    const row = table.get(db, id);
    return row && Member.fromRecord(row);
  },
  save: (db, m) => table.upsert(db, m.toRecord()),
  remove: (db, id) => void table.delete(db, id),
  setSyncStatus(db, ids, status) {
    if (status !== 'synced') return;
    db.run('UPDATE members SET remote_id = acked.value FROM json_each(?) AS acked WHERE members.id = acked.key', [remoteIdsJson(ids)]);
  },
};
