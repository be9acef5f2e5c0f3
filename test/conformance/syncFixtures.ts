// Shared by the sync conformance tests: a "machine" is a real database file, a ConnectionService
// signed in to the local TrailBase-compatible server, and a SyncEngine over both.
import { z } from 'zod';
import type { Clock } from '../../src/core/clock';
import { systemClock } from '../../src/core/clock';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import { createEntityRegistry } from '../../src/core/models';
import { Store } from '../../src/core/store';
import type { BackoffPolicy } from '../../src/core/backoff';
import type { ConflictStrategy } from '../../src/core/sync/conflict';
import { SyncEngine, type SyncSettings } from '../../src/core/sync/engine';
import type { SharingContext } from '../../src/core/sync/sharing';
import type { EntityRegistry } from '../../src/core/entities/registry';
import { ConnectionService } from '../../src/core/team/connection';
import { TrailBaseClient, type TrailBaseClientOptions } from '../../src/core/trailbase';
import type { TestServer } from '../server/harness';
import { tempDbFile } from '../support/bundleScript';
import { PASSWORD, uniqueEmail } from './helpers';
import { MemoryTokenStore } from '../support/memoryTokenStore';
import { openStoreOnDisk } from '../../src/node/store/openStore';

export interface MachineOptions {
  file?: string;
  settings?: Partial<SyncSettings>;
  backoff?: BackoffPolicy;
  random?: () => number;
  probe?: BackoffPolicy;
  subscribe?: boolean;
  client?: Partial<TrailBaseClientOptions>;
  clock?: Clock;
  password?: string;
  /** The version of FocusFlow this machine runs, and the entity types it reads (default: today's). */
  reader?: string;
  registry?: EntityRegistry;
}

export interface Machine {
  store: Store;
  connection: ConnectionService;
  engine: SyncEngine;
  sharing: SharingContext;
  settings: SyncSettings;
  /** TrailBase spelling, as in the JWT. */
  userId: string;
  close(): Promise<void>;
}

export async function userAccount(server: TestServer, prefix: string): Promise<{ email: string; id: string }> {
  const email = uniqueEmail(prefix);
  const { id } = await server.createVerifiedUser(email, PASSWORD);
  return { email, id };
}

/** Signs `email` in on a new machine (a new database file unless `file` is given) and starts its engine. */
export async function machine(server: TestServer, email: string, teamId: string | undefined, o: MachineOptions = {}): Promise<Machine> {
  const clock = o.clock ?? systemClock;
  const { store } = await openStoreOnDisk({ file: o.file ?? tempDbFile(), logger: silentLogger });
  const tokens = new MemoryTokenStore();
  const connection = new ConnectionService({
    store,
    logger: silentLogger,
    clock,
    createClient: (serverUrl) => new TrailBaseClient({ serverUrl, tokenStore: tokens, logger: silentLogger, clock, ...o.client }),
  });
  const settings: SyncSettings = { intervalSeconds: 0, conflictStrategy: 'LastWriteWins', maxAttempts: 8, batchSize: 50, ...o.settings };
  const engine = new SyncEngine({
    store,
    connection,
    registry: o.registry ?? createEntityRegistry(),
    logger: silentLogger,
    clock,
    settings: () => settings,
    ...(o.reader ? { reader: o.reader } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
    ...(o.random ? { random: o.random } : {}),
    ...(o.probe ? { probe: o.probe } : {}),
    subscribe: o.subscribe ?? false,
  });
  const conn = await connection.connect(server.url, email, o.password ?? PASSWORD);
  if (teamId) await connection.setActiveTeam(teamId);
  await engine.idle();
  const sharing: SharingContext = { store, clock, queue: () => engine.queue() };
  return {
    store,
    connection,
    engine,
    sharing,
    settings,
    userId: conn.userId,
    async close() {
      engine.dispose();
      connection.dispose();
      await store.close();
    },
  };
}

/** Creates a team as `owner` (a signed-in client) and returns its id (TrailBase spelling) and invite code. */
export async function createTeam(client: TrailBaseClient, name = 'Team'): Promise<{ id: string; inviteCode: string }> {
  const id = uuidToBase64(uuidv7());
  const created = await client.records('teams', z.unknown()).create({ id, name, created_by: client.user?.id });
  const team = await client.records('teams', z.object({ invite_code: z.string() })).read(created);
  return { id: created, inviteCode: team.invite_code };
}

export async function joinTeam(client: TrailBaseClient, inviteCode: string): Promise<void> {
  await client.records('join_requests', z.unknown()).create({ id: uuidToBase64(uuidv7()), invite_code: inviteCode });
}

/** Writes completed focus sessions straight into the local `sessions` table; returns their ids. */
export async function completedSessions(store: Store, count: number, startMs = Date.parse('2026-03-02T08:00:00.000Z')): Promise<string[]> {
  return store.write((db) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = uuidv7();
      const start = new Date(startMs + i * 30 * 60_000).toISOString();
      const end = new Date(startMs + i * 30 * 60_000 + 25 * 60_000).toISOString();
      db.run(
        `INSERT INTO sessions (id, kind, label, start_time, end_time, planned_duration_minutes, actual_duration_seconds,
           paused_seconds, state, completed, created_at, last_modified)
         VALUES (?, 'focus', NULL, ?, ?, 25, 1500, 0, 'completed', 1, ?, ?)`,
        [id, start, end, end, end],
      );
      ids.push(id);
    }
    return ids;
  });
}

export const remoteShared = z.object({
  id: z.string(),
  team: z.string(),
  user: z.string(),
  local_session_id: z.string(),
  end_time: z.string().nullable(),
  actual_duration_seconds: z.number().nullable(),
  completed: z.number(),
  last_modified: z.string(),
  deleted: z.number(),
  updated_at: z.number(),
});

export type ConflictName = ConflictStrategy;
