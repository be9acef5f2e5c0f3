import type { Clock } from '../clock';
import type { Disposable, Event } from '../events';
import type { FocusChange } from '../focus/focusService';
import type { SessionRow as SessionTableRow } from '../focus/sessionRows';
import { sha256 } from '../bytes';
import { bytesToUuid, stampUuidV7, toLocalId } from '../ids';
import type { Logger } from '../logger';
import { SharedSession, type SharedSessionRecord } from '../models';
import { sharedSessionDefinition } from '../models/sharedSession';
import type { SqlDb, Store } from '../store';
import type { ConnectionSource } from './engine';
import type { SyncQueue } from './queue';

export type ShareErrorCode = 'not-connected' | 'no-team' | 'no-session' | 'not-shareable' | 'not-shared';

/** Why a session cannot be shared; the message says what to do instead. */
export class ShareError extends Error {
  override readonly name = 'ShareError';
  constructor(
    readonly code: ShareErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SharingContext {
  store: Store;
  clock: Clock;
  /** The queue to record the change in (the engine's, with the current settings). */
  queue: () => SyncQueue;
  /** Called after a change was queued, so it goes out soon without waiting for the timer. */
  onQueued?: () => void;
}

/** A completed focus session as the share picker lists it. */
export interface ShareableSession {
  id: string;
  label: string | null;
  startTime: string;
  endTime: string | null;
  actualSeconds: number | null;
  shared: boolean;
}

/** The columns sharing reads of a local session. */
type SessionRow = Pick<
  SessionTableRow,
  'id' | 'kind' | 'label' | 'state' | 'start_time' | 'end_time' | 'planned_duration_minutes' | 'actual_duration_seconds' | 'completed'
>;

/**
 * The id of "this session shared with this team by this user": always the same, so sharing twice,
 * from two windows, or again after unsharing lands on the one server row (the record API upserts on
 * it) instead of tripping the server's unique (team, user, session) rule. It is a valid UUIDv7 whose
 * time is the session's start and whose remaining bits come from a hash of the three ids.
 */
export function sharedSessionId(teamId: string, userId: string, sessionId: string, startMs: number): string {
  const bytes = sha256(`${teamId}\n${userId}\n${sessionId}`).subarray(0, 16);
  return bytesToUuid(stampUuidV7(bytes, Math.max(0, Math.floor(startMs))));
}

/**
 * Shares a completed focus session with a team: one store write holds the `shared_sessions` row
 * (pending) and its queued create; nothing waits on the network. Sharing an already shared session
 * returns the existing share.
 */
export async function shareSession(ctx: SharingContext, o: { sessionId: string; teamId: string; userId: string }): Promise<SharedSession> {
  const teamId = toLocalId(o.teamId);
  const userId = toLocalId(o.userId);
  const shared = await ctx.store.write((db) => {
    const row = db.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [o.sessionId]);
    if (!row) throw new ShareError('no-session', `There is no focus session ${o.sessionId} on this machine. Pick one from "FocusFlow: Share Session".`);
    if (row.kind !== 'focus' || row.state !== 'completed') {
      throw new ShareError('not-shareable', 'Only completed focus sessions can be shared. Finish the session first.');
    }
    const id = sharedSessionId(teamId, userId, row.id, Date.parse(row.start_time));
    const queue = ctx.queue();
    const existing = sharedSessionDefinition.load(db, id);
    if (existing && isStandingShare(db, id)) return existing;
    // Shared again before its unshare went out: the re-share must be the later write, even in the same ms.
    const pendingDelete = queue.pendingFor(db, SharedSession.entityType, id);
    const unsharedAt = pendingDelete?.operation === 'delete' ? Date.parse(SharedSession.fromRecord(pendingDelete.payload).lastModified) : -Infinity;
    const now = Math.max(ctx.clock.now(), unsharedAt + 1);
    const session = SharedSession.fromRecord({
      id,
      local_session_id: row.id,
      remote_session_id: null,
      team_id: teamId,
      user_id: userId,
      start_time: row.start_time,
      end_time: row.end_time,
      planned_duration_minutes: row.planned_duration_minutes,
      actual_duration_seconds: row.actual_duration_seconds,
      completed: row.completed === 1,
      shared_at: now,
      last_modified: new Date(now).toISOString(),
      sync_status: 'pending',
    } satisfies SharedSessionRecord);
    queue.recordLocalChange(db, 'create', session);
    return session;
  });
  ctx.onQueued?.();
  return shared;
}

/** Changes a shared session's content (queued as an update). */
export async function updateSharedSession(
  ctx: SharingContext,
  id: string,
  patch: Partial<Pick<SharedSessionRecord, 'end_time' | 'actual_duration_seconds' | 'completed' | 'planned_duration_minutes'>>,
): Promise<SharedSession> {
  const updated = await ctx.store.write((db) => {
    const current = loadShared(db, id);
    const next = SharedSession.fromRecord({ ...current.toRecord(), ...patch, last_modified: nextModified(current, ctx.clock), sync_status: 'pending' });
    ctx.queue().recordLocalChange(db, 'update', next);
    return next;
  });
  ctx.onQueued?.();
  return updated;
}

/** Stops sharing: the local row goes, and the server row becomes a tombstone teammates' pulls see. */
export async function unshareSession(ctx: SharingContext, id: string): Promise<void> {
  await ctx.store.write((db) => {
    const current = loadShared(db, id);
    ctx.queue().recordLocalChange(db, 'delete', SharedSession.fromRecord({ ...current.toRecord(), last_modified: nextModified(current, ctx.clock) }));
  });
  ctx.onQueued?.();
}

/** Completed focus sessions, newest first, and whether each is already shared with `teamId`. */
export function shareableSessions(store: Store, o: { teamId: string; userId: string; limit?: number }): ShareableSession[] {
  const teamId = toLocalId(o.teamId);
  const userId = toLocalId(o.userId);
  return store.read((db) =>
    db
      .all<SessionRow>(`SELECT * FROM sessions WHERE kind = 'focus' AND state = 'completed' ORDER BY start_time DESC LIMIT ?`, [o.limit ?? 20])
      .map((r) => ({
        id: r.id,
        label: r.label,
        startTime: r.start_time,
        endTime: r.end_time,
        actualSeconds: r.actual_duration_seconds,
        shared: isStandingShare(db, sharedSessionId(teamId, userId, r.id, Date.parse(r.start_time))),
      })),
  );
}

/**
 * Whether the share stands: it went out, or will, or failed and waits for a retry. A failed share whose
 * change the user cleared is on no server and nothing will send it: sharing it again must queue it anew.
 */
function isStandingShare(db: SqlDb, id: string): boolean {
  return (
    db.get(
      `SELECT 1 FROM shared_sessions AS s WHERE s.id = ? AND (s.sync_status <> 'failed'
         OR EXISTS (SELECT 1 FROM sync_queue AS q WHERE q.entity_type = ? AND q.entity_id = s.id))`,
      [id, SharedSession.entityType],
    ) !== undefined
  );
}

/**
 * `focusflow.sharing.autoShare`: once the user turned it on, every focus session that completes in
 * this window is shared with the active team. Only the window that completed the session hears
 * 'completed' or 'stopped', so each session is shared once; the stable id makes a repeat harmless anyway.
 */
export class AutoShare implements Disposable {
  private readonly subscription: Disposable;

  constructor(o: {
    focusChanges: Event<FocusChange>;
    enabled: () => boolean;
    connection: ConnectionSource;
    sharing: SharingContext;
    logger: Logger;
  }) {
    this.subscription = o.focusChanges((change) => {
      const s = change.session;
      if ((change.reason !== 'completed' && change.reason !== 'stopped') || !s || s.kind !== 'focus' || s.state !== 'completed') return;
      if (!o.enabled()) return;
      const state = o.connection.state;
      if (state.status !== 'connected' || !state.connection.teamId) return;
      shareSession(o.sharing, { sessionId: s.id, teamId: state.connection.teamId, userId: state.connection.userId }).then(
        (shared) => o.logger.info(`Auto-shared focus session ${s.id} with the active team (${shared.localId}).`),
        (err: unknown) => o.logger.warn(`Auto-sharing focus session ${s.id} failed: ${(err as Error).message}`),
      );
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function loadShared(db: SqlDb, id: string): SharedSession {
  const shared = sharedSessionDefinition.load(db, id);
  if (!shared) throw new ShareError('not-shared', `Shared session ${id} is not on this machine (it may have been unshared).`);
  return shared;
}

/** Strictly after the previous edit, so last-write-wins never sees two edits of one record as a tie. */
function nextModified(current: SharedSession, clock: Clock): string {
  return new Date(Math.max(clock.now(), Date.parse(current.lastModified) + 1)).toISOString();
}
