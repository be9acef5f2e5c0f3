import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Clock } from '../../../src/core/clock';
import { uuidToBase64, uuidv7 } from '../../../src/core/ids';
import { silentLogger } from '../../../src/core/logger';
import { SharedSession, type SharedSessionRecord } from '../../../src/core/models';
import { Store } from '../../../src/core/store';
import type { SyncEngine } from '../../../src/core/sync/engine';
import { shareSession } from '../../../src/core/sync/sharing';
import type { ConnectionState } from '../../../src/core/team/connection';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-sync-')), 'focusflow.sqlite');
}

export async function openStore(file: string = tempDbFile()): Promise<{ store: Store; file: string }> {
  const { store } = await openStoreOnDisk({ file, logger: silentLogger });
  return { store, file };
}

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(public ms = Date.parse('2026-03-02T09:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const TEAM_ID = '0193f1a2-7c4d-7e8f-9a0b-1c2d3e4f5a6b';
export const USER_ID = '0193f1a2-7c4d-7e8f-8a0b-aabbccddeeff';

/** A valid shared session; `version` changes the content so coalescing can be observed. */
export function sharedSessionRecord(overrides: Partial<SharedSessionRecord> = {}): SharedSessionRecord {
  return {
    id: uuidv7(),
    local_session_id: uuidv7(),
    remote_session_id: null,
    team_id: TEAM_ID,
    user_id: USER_ID,
    start_time: '2026-03-02T08:00:00.000Z',
    end_time: '2026-03-02T08:25:00.000Z',
    planned_duration_minutes: 25,
    actual_duration_seconds: 1500,
    completed: true,
    shared_at: Date.parse('2026-03-02T08:26:00.000Z'),
    last_modified: '2026-03-02T08:26:00.000Z',
    sync_status: 'pending',
    ...overrides,
  };
}

export function sharedSession(overrides: Partial<SharedSessionRecord> = {}): SharedSession {
  return SharedSession.fromRecord(sharedSessionRecord(overrides));
}

/** Connected as USER_ID, through `client` (a stand-in: these tests never reach a server). */
export function connectedAs(clock: Clock, client: object): ConnectionState {
  return { status: 'connected', connection: { serverUrl: 'http://127.0.0.1:1', userId: uuidToBase64(USER_ID), connectedAt: clock.now() }, client: client as never };
}

/** A completed focus session, shared with TEAM_ID: one queued operation. */
export async function shareOneSession(store: Store, clock: Clock, engine: SyncEngine): Promise<void> {
  await store.write((db) =>
    db.run(
      `INSERT INTO sessions (id, kind, start_time, end_time, planned_duration_minutes, actual_duration_seconds, state, completed, created_at, last_modified)
       VALUES ('s1', 'focus', '2026-03-02T08:00:00.000Z', '2026-03-02T08:25:00.000Z', 25, 1500, 'completed', 1, '2026-03-02T08:25:00.000Z', '2026-03-02T08:25:00.000Z')`,
    ),
  );
  await shareSession({ store, clock, queue: () => engine.queue() }, { sessionId: 's1', teamId: TEAM_ID, userId: USER_ID });
}
