import { uuidToBase64 } from '../ids';
import { Team, teamDefinition, remoteTeamSchema } from '../models/team';
import type { Store } from '../store';
import { MAX_LIST_LIMIT, type TrailBaseClient } from '../trailbase';
import { fetchMembers, remoteMember, replaceMembers, saveMember } from './memberRows';
import { refusal } from './teamErrors';

/** Reads the team and its members from the server into the local tables (the rows a sync pull writes). */
export async function refreshTeamRows(store: Store, client: TrailBaseClient, teamId: string): Promise<void> {
  let team;
  try {
    team = await client.records('teams', remoteTeamSchema).read(uuidToBase64(teamId));
  } catch (err) {
    throw refusal(err, 'You are not a member of that team (any more). Join it with its invite code (FocusFlow: Join Team).', 'no-team');
  }
  const members = await fetchMembers(client, teamId);
  await store.write((db) => {
    teamDefinition.save(db, Team.fromRemote(team));
    replaceMembers(db, teamId, members);
  });
}

/** Saves the teams the server lists for user `me` (local id) and their memberships in them (two requests). */
export async function saveMyTeamRows(store: Store, client: TrailBaseClient, me: string): Promise<void> {
  const teams = await client.records('teams', remoteTeamSchema).list({ limit: MAX_LIST_LIMIT });
  const mine = await client.records('members', remoteMember).list({ where: { user: uuidToBase64(me) }, limit: MAX_LIST_LIMIT });
  await store.write((db) => {
    for (const t of teams.records) teamDefinition.save(db, Team.fromRemote(t));
    for (const m of mine.records) saveMember(db, m);
  });
}
