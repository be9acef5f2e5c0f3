import { z } from 'zod';
import { base64ToUuid, uuidToBase64 } from '../ids';
import { Member, memberDefinition, remoteMemberSchema, type MemberRecord } from '../models/member';
import type { SqlDb, Store } from '../store';
import { MAX_LIST_LIMIT, type TrailBaseClient } from '../trailbase';
import { TeamError } from './teamErrors';

// Memberships for the team commands: read from the server, written to and read from the local
// `members` table (a sync pull writes the same rows through the entity registry).

/** The server's membership row; `email` exists once the kit's member-email migration ran. */
export const remoteMember = remoteMemberSchema.extend({ email: z.string().nullish() });
export type RemoteMemberRow = z.infer<typeof remoteMember>;
const emailField = z.email();

/** An address the local schema would refuse later is dropped here rather than stored. */
export function saveMember(db: SqlDb, row: RemoteMemberRow): void {
  const email = row.email && emailField.safeParse(row.email).success ? row.email : null;
  const known = email ? null : (memberDefinition.load(db, base64ToUuid(row.id))?.email ?? null);
  memberDefinition.save(db, Member.fromRemote(row, email ?? known));
}

/** The server's member list is the truth: rows it no longer has are gone locally too. */
export function replaceMembers(db: SqlDb, teamId: string, rows: readonly RemoteMemberRow[]): void {
  const keep = new Set(rows.map((r) => base64ToUuid(r.id)));
  for (const { id } of db.all<{ id: string }>('SELECT id FROM members WHERE team_id = ?', [teamId])) {
    if (!keep.has(id)) memberDefinition.remove(db, id);
  }
  for (const row of rows) saveMember(db, row);
}

/** Every membership of the team, as the server has them. */
export async function fetchMembers(client: TrailBaseClient, teamId: string): Promise<RemoteMemberRow[]> {
  const rows: RemoteMemberRow[] = [];
  for await (const row of client.records('members', remoteMember).iterate({ where: { team: uuidToBase64(teamId) }, limit: MAX_LIST_LIMIT })) rows.push(row);
  return rows;
}

/** The team's members from the local table: owners first, then admins, then by email. */
export function localMembers(store: Store, teamId: string): MemberRecord[] {
  return store.read((db) =>
    db
      .all<{ id: string }>(
        `SELECT id FROM members WHERE team_id = ?
         ORDER BY CASE role WHEN 'Owner' THEN 0 WHEN 'Admin' THEN 1 ELSE 2 END, email COLLATE NOCASE, user_id`,
        [teamId],
      )
      .map((r) => (memberDefinition.load(db, r.id) as Member).toRecord()),
  );
}

export function localMember(store: Store, id: string): MemberRecord {
  const member = store.read((db) => memberDefinition.load(db, id));
  if (!member) throw new TeamError('not-found', 'That membership is not known here any more. The Team view shows who is in the team.');
  return member.toRecord();
}
