import { z } from 'zod';
import { base64ToUuid, uuidToBase64 } from '../ids';
import type { Logger } from '../logger';
import { Member } from '../models';
import { remoteIdField } from '../models/fields';
import type { SqlDb, Store } from '../store';
import { MAX_LIST_LIMIT, type TrailBaseClient, type Where } from '../trailbase';
import { resolveConflict, type ConflictStrategy } from './conflict';
import type { SyncQueue } from './queue';
import type { EntityDefinition, EntityRegistry, RemoteChange } from '../entities/registry';
import { deleteSyncState, getSyncState, setSyncState } from './syncState';
import { forgetAllUnreadable, forgetUnreadable, noteUnreadable, rereadPoint, type UnreadableRecords } from './unreadable';

export interface PullOptions {
  store: Store;
  queue: SyncQueue;
  registry: EntityRegistry;
  client: TrailBaseClient;
  logger: Logger;
  strategy: ConflictStrategy;
  /** The signed-in user, as TrailBase spells ids (the JWT `sub`). */
  userId: string;
  /** Server and user the checkpoints belong to; another scope starts from scratch. */
  scope: string;
  /** This version of FocusFlow: records an earlier version could not read are pulled again by a later one. */
  reader: string;
  pageSize?: number;
}

export interface PullResult {
  /** Remote rows saved or removed locally. */
  applied: number;
  /** Remote changes that met a pending local change. */
  conflicts: number;
  /** Remote rows that failed validation and were skipped (see unreadable.ts). */
  rejected: number;
}

/** `applied`: no conflict; the others: a pending local change met this remote one, and who won. */
export type ApplyOutcome = 'applied' | 'remote-won' | 'local-kept' | 'merged';

const SCOPE_KEY = 'pull.scope';
const CHECKPOINT_PREFIX = 'pull.cp.';
const anyRow = z.unknown();
// The team id is read as TrailBase's id form here, at the boundary: every step after this converts it.
const membershipRow = z.object({ team: remoteIdField });

/** The collections pulled per team, parents first, and how each one is narrowed to that team. */
const COLLECTIONS: readonly { api: string; where: (team: string) => Where }[] = [
  { api: 'teams', where: (team) => ({ id: team }) },
  { api: 'members', where: (team) => ({ team }) },
  { api: 'shared_sessions', where: (team) => ({ team }) },
];

/**
 * Brings the local copies of the user's teams, their members and their shared sessions up to date.
 *
 * Checkpoints are the server's `updated_at`, per collection and team. The server kit makes it strictly
 * increasing per table (each write takes max(now, max + 1) under SQLite's single writer), so
 * `updated_at > checkpoint ORDER BY updated_at` pages through every change exactly once, rows written in
 * the same millisecond included, and needs no cursor (TrailBase cursors die on restart). Per-team
 * checkpoints matter: joining a team must bring its whole history, which is older than any checkpoint.
 */
export async function pullChanges(o: PullOptions): Promise<PullResult> {
  const result: PullResult = { applied: 0, conflicts: 0, rejected: 0 };
  await resetOnNewScope(o.store, o.scope);
  const teams = await myTeams(o);
  result.applied += await forgetLeftTeams(o, teams);
  for (const team of teams) {
    for (const c of COLLECTIONS) {
      const definition = o.registry.byApiName(c.api);
      if (!definition) continue;
      await pullCollection(o, definition, team, c.where(team), result);
    }
    result.applied += await reconcileMembers(o, team);
  }
  return result;
}

async function pullCollection(o: PullOptions, definition: EntityDefinition, team: string, where: Where, result: PullResult): Promise<void> {
  const collection = `${definition.apiName}.${team}`;
  const key = `${CHECKPOINT_PREFIX}${collection}`;
  const pageSize = o.pageSize ?? MAX_LIST_LIMIT;
  const api = o.client.records(definition.apiName, anyRow);
  let checkpoint = Number(o.store.read((db) => getSyncState(db, key)) ?? -1);
  const reread = o.store.read((db) => rereadPoint(db, collection, o.reader));
  if (reread !== undefined && reread < checkpoint) {
    o.logger.info(`Reading ${definition.apiName} records again that an earlier version of FocusFlow could not read.`);
    // Stored at once: a pull cut short must still start from here next time.
    checkpoint = reread;
    await o.store.write((db) => setSyncState(db, key, String(reread)));
  }
  const fetchAfter = (after: number) => api.list({ where: { ...where, updated_at: { $gt: after } }, order: ['updated_at'], limit: pageSize });
  let fetching = fetchAfter(checkpoint);
  for (;;) {
    const page = await fetching;
    if (page.records.length === 0) break;
    const changes: RemoteChange[] = [];
    let last = checkpoint;
    let unreadable: UnreadableRecords | undefined;
    for (const row of page.records) {
      try {
        const change = definition.parseRemote(row);
        changes.push(change);
        last = Math.max(last, change.updatedAt);
      } catch (err) {
        result.rejected++;
        const reason = (err as Error).message;
        unreadable = { after: unreadable?.after ?? last, reader: o.reader, count: (unreadable?.count ?? 0) + 1, reason };
        const at = (row as { updated_at?: unknown }).updated_at;
        if (typeof at === 'number') last = Math.max(last, at);
        o.logger.warn(`Skipped a ${definition.apiName} record from the server that FocusFlow cannot read: ${reason}`);
      }
    }
    // The next page is asked for while this one is saved: the server answers while this thread waits
    // for the disk. It starts from this page's last change, as it would after the save; when the save
    // fails, its answer is dropped and the checkpoint stays where it was.
    const more = page.records.length === pageSize;
    if (more) {
      fetching = fetchAfter(last);
      fetching.catch(() => undefined);
    }
    await o.store.write((db) => {
      for (const change of changes) {
        const outcome = applyRemoteChange(db, o.queue, definition, change, o.strategy);
        if (outcome !== 'local-kept') result.applied++;
        if (outcome !== 'applied') result.conflicts++;
      }
      if (unreadable) noteUnreadable(db, collection, unreadable);
      setSyncState(db, key, String(last));
    });
    checkpoint = last;
    if (!more) break;
  }
  // Read through to the end: what the earlier version left is either read now or noted by this one.
  if (reread !== undefined) await o.store.write((db) => forgetUnreadable(db, collection, { unlessReader: o.reader }));
}

/**
 * Applies one server row locally. Without a pending local operation the server's version is taken
 * (a tombstone removes the row). With one, `strategy` decides: the local version keeps its operation
 * queued (it will overwrite the server), the remote version replaces it and the operation is dropped,
 * and a merged version is saved and queued as an update.
 */
export function applyRemoteChange(db: SqlDb, queue: SyncQueue, definition: EntityDefinition, change: RemoteChange, strategy: ConflictStrategy): ApplyOutcome {
  const id = change.entity.localId;
  const pending = queue.pendingFor(db, definition.type, id);
  if (!pending) {
    takeRemote(db, definition, change);
    return 'applied';
  }
  const local = definition.fromRecord(pending.payload);
  const winner = resolveConflict(local, change.entity, strategy);
  if (winner === change.entity) {
    queue.discard(db, definition.type, id);
    takeRemote(db, definition, change);
    return 'remote-won';
  }
  // A delete waiting to go out has nothing to merge into: the local side stands.
  if (winner === local || pending.operation === 'delete') return 'local-kept';
  definition.save(db, winner);
  queue.enqueue(db, 'update', winner);
  return 'merged';
}

function takeRemote(db: SqlDb, definition: EntityDefinition, change: RemoteChange): void {
  if (change.deleted) {
    definition.remove(db, change.entity.localId);
    return;
  }
  let entity = change.entity;
  // The server has no emails; a membership keeps the one this client already knew.
  if (entity instanceof Member && entity.email === null) {
    const known = definition.load(db, entity.localId) as Member | undefined;
    if (known?.email) entity = new Member({ ...entity.toRecord(), email: known.email });
  }
  definition.save(db, entity);
}

async function resetOnNewScope(store: Store, scope: string): Promise<void> {
  if (store.read((db) => getSyncState(db, SCOPE_KEY)) === scope) return;
  await store.write((db) => {
    for (const { key } of db.all<{ key: string }>(`SELECT key FROM sync_state WHERE key LIKE ?`, [`${CHECKPOINT_PREFIX}%`])) deleteSyncState(db, key);
    forgetAllUnreadable(db);
    setSyncState(db, SCOPE_KEY, scope);
  });
}

/** The teams the user belongs to now, from their own membership rows (a handful; never paged). */
async function myTeams(o: PullOptions): Promise<string[]> {
  const page = await o.client.records('members', membershipRow).list({ where: { user: o.userId }, limit: MAX_LIST_LIMIT });
  return [...new Set(page.records.map((r) => r.team))];
}

/** Local copies of teams the user no longer belongs to go away, with their checkpoints. */
async function forgetLeftTeams(o: PullOptions, teams: readonly string[]): Promise<number> {
  const current = new Set(teams.map(base64ToUuid));
  const local = o.store.read((db) => db.all<{ id: string }>('SELECT id FROM teams'));
  const gone = local.map((t) => t.id).filter((id) => !current.has(id));
  if (gone.length === 0) return 0;
  return o.store.write((db) => gone.reduce((removed, team) => removed + forgetLocalTeam(db, team), 0));
}

/**
 * Removes this machine's copy of a team the user no longer belongs to (left, removed, team deleted):
 * the team, its memberships and the shared sessions seen in it, except those with a change still
 * queued, whose push then fails with the server's reason instead of vanishing. Its pull checkpoints go
 * too, so joining again brings the whole history back. Returns the rows removed.
 */
export function forgetLocalTeam(db: SqlDb, teamId: string): number {
  for (const c of COLLECTIONS) {
    deleteSyncState(db, `${CHECKPOINT_PREFIX}${c.api}.${uuidToBase64(teamId)}`);
    forgetUnreadable(db, `${c.api}.${uuidToBase64(teamId)}`);
  }
  return (
    db.run('DELETE FROM teams WHERE id = ?', [teamId]) +
    db.run('DELETE FROM members WHERE team_id = ?', [teamId]) +
    db.run(
      `DELETE FROM shared_sessions WHERE team_id = ?
         AND id NOT IN (SELECT entity_id FROM sync_queue WHERE entity_type = 'shared_session')`,
      [teamId],
    )
  );
}

/**
 * Memberships are deleted for real on the server (no tombstone), so an incremental pull cannot see
 * someone leave. One count request tells whether the local list is longer; only then is it re-read.
 */
async function reconcileMembers(o: PullOptions, team: string): Promise<number> {
  const teamId = base64ToUuid(team);
  const api = o.client.records('members', z.object({ id: z.string() }));
  const { totalCount } = await api.list({ where: { team }, limit: 1, count: true });
  const localCount = o.store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM members WHERE team_id = ?', [teamId])?.n ?? 0);
  if (totalCount === undefined || totalCount === localCount) return 0;
  const remoteIds = new Set<string>();
  for await (const row of api.iterate({ where: { team }, limit: MAX_LIST_LIMIT })) remoteIds.add(base64ToUuid(row.id));
  return o.store.write((db) => {
    let removed = 0;
    for (const { id } of db.all<{ id: string }>('SELECT id FROM members WHERE team_id = ?', [teamId])) {
      if (!remoteIds.has(id)) removed += db.run('DELETE FROM members WHERE id = ?', [id]);
    }
    return removed;
  });
}
