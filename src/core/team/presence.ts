import { z } from 'zod';
import type { Clock } from '../clock';
import { Emitter, type Disposable, type Event } from '../events';
import type { FocusChange } from '../focus/focusService';
import type { FocusSession } from '../focus/session';
import { dueAt } from '../focus/timer';
import { sha256 } from '../bytes';
import { base64ToUuid, bytesToUuid, uuidToBase64 } from '../ids';
import type { Logger } from '../logger';
import { isClientError, MAX_LIST_LIMIT, type Subscription, type TrailBaseClient } from '../trailbase';
import { toLocalId, type TeamConnection } from './teams';

const presenceRow = z.object({
  id: z.string(),
  team: z.string(),
  user: z.string(),
  focusing_until: z.number().int().positive().nullable(),
});

export interface PresenceOptions {
  connection: TeamConnection;
  logger: Logger;
  clock: Clock;
  /** `focusflow.sharing.presence`: read at every change, so turning it off applies at once. */
  enabled: () => boolean;
  /** Follow teammates' presence live over SSE (default true). */
  live?: boolean;
}

/**
 * The row id of a user's presence in a team, the same on every machine, so publishing again updates
 * the one row (REPLACE upsert) instead of tripping the server's one-row-per-member rule. A UUIDv7 in
 * form: version and variant bits set on a hash of the two ids.
 */
export function presenceId(teamId: string, userId: string): string {
  const bytes = sha256(`presence\n${teamId}\n${userId}`).subarray(0, 16);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return bytesToUuid(bytes);
}

/**
 * What a focus change means for presence: focusing until the session's due time, not focusing (null),
 * or nothing to say (undefined: breaks, changes made by another window, which publishes its own).
 */
export function presenceFor(change: FocusChange): number | null | undefined {
  const s = change.session;
  if (!s || s.kind !== 'focus') return undefined;
  switch (change.reason) {
    case 'started':
    case 'resumed':
      return dueAt(s) ?? null;
    case 'paused':
    case 'auto-paused':
    case 'stopped':
    case 'cancelled':
    case 'completed':
      return null;
    default:
      return undefined;
  }
}

/** The focusing-until time of the session running now, or null. */
export function presenceOf(current: FocusSession | undefined): number | null {
  return current && current.kind === 'focus' ? (dueAt(current) ?? null) : null;
}

/**
 * "Focusing now", opt-in. Publishes only the user's own "focusing until" in the active team while the
 * setting is on, and removes it when it is turned off. Reads teammates' presence in the active team:
 * only members who turned it on have a row. A server without the `presence` record API (an older
 * server kit) answers 405; then nothing is published or shown, and the Team view shows last activity.
 */
export class Presence implements Disposable {
  private readonly changes = new Emitter<void>();
  /** Fires when teammates' presence as known here changed, or when someone's "focusing now" ran out. */
  readonly onDidChange: Event<void> = this.changes.event;
  private seen = new Map<string, number>();
  /** The team (and user) whose row last said we are focusing. */
  private focusingIn: { team: string; user: string } | undefined;
  private seenTeam: string | undefined;
  /** The server that answered 405 for presence (an older server kit). */
  private unsupportedOn: string | undefined;
  private live: { key: string; stream: Subscription } | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Publishes and withdrawals run one at a time, in the order asked, so the last word lands last. */
  private writes: Promise<void> = Promise.resolve();
  /** Reads started so far: only the newest one's answer is taken in. */
  private reads = 0;

  constructor(private readonly o: PresenceOptions) {}

  /** Until when the user (local id) is focusing, if they share it and are focusing now. */
  focusingUntil(userId: string): number | undefined {
    const until = this.seen.get(userId);
    return until !== undefined && until > this.o.clock.now() ? until : undefined;
  }

  /** Publishes the user's own presence in the active team (null: not focusing). No-op while the setting is off. */
  publish(focusingUntil: number | null): Promise<void> {
    return this.inOrder(() => this.publishNow(focusingUntil));
  }

  /** Removes every presence row of the user (the setting was turned off). */
  withdraw(): Promise<void> {
    return this.inOrder(() => this.withdrawNow());
  }

  private inOrder(write: () => Promise<void>): Promise<void> {
    const done = this.writes.then(write);
    this.writes = done.catch(() => undefined);
    return done;
  }

  private async publishNow(focusingUntil: number | null): Promise<void> {
    const target = this.target();
    const team = target?.team;
    if (!target || !team || !this.o.enabled() || this.unsupported(target.client)) return;
    const { client, user } = target;
    const api = client.records('presence', z.unknown());
    const row = (inTeam: string, until: number | null) => ({
      id: uuidToBase64(presenceId(inTeam, user)),
      team: uuidToBase64(inTeam),
      user: uuidToBase64(user),
      focusing_until: until,
    });
    const before = this.focusingIn;
    await this.quietly(client, 'publishing your focus presence', async () => {
      await api.create(row(team, focusingUntil));
      this.focusingIn = focusingUntil === null ? undefined : { team, user };
      await this.refresh();
    });
    // Switched teams while focusing: the team left behind stops showing it (it may refuse, if we left it).
    // Another account's row is not ours to write; its own next publish or withdrawal handles it.
    if (before && before.user === user && before.team !== team) {
      await this.quietly(client, 'clearing your focus presence in your previous team', async () => {
        await api.create(row(before.team, null));
        if (this.focusingIn === before) this.focusingIn = undefined;
      });
    }
  }

  private async withdrawNow(): Promise<void> {
    const target = this.target();
    if (!target || this.unsupported(target.client)) return;
    const api = target.client.records('presence', presenceRow);
    await this.quietly(target.client, 'removing your focus presence', async () => {
      const own = await api.list({ where: { user: uuidToBase64(target.user) }, limit: MAX_LIST_LIMIT });
      for (const row of own.records) await api.delete(row.id);
      this.focusingIn = undefined;
      await this.refresh();
    });
  }

  /** Re-reads the active team's presence; fires `onDidChange` when it differs from what was known. */
  async refresh(): Promise<void> {
    // A publish or a stream event that finishes after dispose() must not open a stream nobody closes.
    if (this.disposed) return;
    const target = this.target();
    const next = new Map<string, number>();
    const team = target?.team;
    const read = ++this.reads;
    if (target && team && !this.unsupported(target.client)) {
      this.follow(target.client, team);
      await this.quietly(target.client, 'reading teammates\u2019 focus presence', async () => {
        const page = await target.client.records('presence', presenceRow).list({ where: { team: uuidToBase64(team) }, limit: MAX_LIST_LIMIT });
        for (const row of page.records) if (row.focusing_until !== null) next.set(base64ToUuid(row.user), row.focusing_until);
      });
    } else {
      this.stopLive();
    }
    // A read started later has answered, or will: this older answer may already be out of date.
    if (read !== this.reads) return;
    const same = team === this.seenTeam && next.size === this.seen.size && [...next].every(([u, t]) => this.seen.get(u) === t);
    this.seen = next;
    this.seenTeam = team;
    this.scheduleExpiry();
    if (!same && !this.disposed) this.changes.fire();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.expiry);
    this.stopLive();
    this.changes.dispose();
  }

  private target(): { client: TrailBaseClient; team: string | undefined; user: string } | undefined {
    const s = this.o.connection.state;
    if (s.status !== 'connected') return undefined;
    return { client: s.client, team: s.connection.teamId ? toLocalId(s.connection.teamId) : undefined, user: toLocalId(s.connection.userId) };
  }

  /** Live presence of the active team: each event re-reads it (events are not replayed). */
  private follow(client: TrailBaseClient, team: string): void {
    if (this.o.live === false || this.disposed) return;
    const key = `${client.serverUrl.href} ${team}`;
    if (this.live?.key === key) return;
    this.live?.stream.dispose();
    const again = () => void this.refresh();
    const stream = client.records('presence', z.unknown()).subscribe(
      '*',
      {
        onEvent: again,
        onResync: again,
        onError: (err) => this.o.logger.debug(`Presence stream: ${err.message}`),
      },
      { where: { team: uuidToBase64(team) } },
    );
    this.live = { key, stream };
  }

  /** Someone's "focusing now" ends at a known instant: repaint then, not on a polling timer. */
  private scheduleExpiry(): void {
    clearTimeout(this.expiry);
    const now = this.o.clock.now();
    const next = Math.min(...[...this.seen.values()].filter((t) => t > now));
    if (!Number.isFinite(next) || this.disposed) return;
    this.expiry = setTimeout(() => {
      if (!this.disposed) this.changes.fire();
    }, Math.min(next - now + 50, 2 ** 31 - 1));
  }

  private unsupported(client: TrailBaseClient): boolean {
    return this.unsupportedOn === client.serverUrl.href;
  }

  private stopLive(): void {
    this.live?.stream.dispose();
    this.live = undefined;
  }

  /** Presence is best effort: a failure is logged, never shown; a server without the API turns it off. */
  private async quietly(client: TrailBaseClient, what: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      if (isClientError(err) && err.kind === 'validation' && err.code === 'not-trailbase') {
        this.unsupportedOn = client.serverUrl.href;
        this.stopLive();
        this.o.logger.info('This team server has no presence record API (an older server kit without the presence entry in its config): "focusing now" is not shown.');
        return;
      }
      this.o.logger.warn(`Failed ${what}: ${(err as Error).message}`);
    }
  }
}
