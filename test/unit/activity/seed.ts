import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { uuidv7 } from '../../../src/core/ids';
import { silentLogger } from '../../../src/core/logger';
import type { MemberRole } from '../../../src/core/models/member';
import { Store, type SqlDb } from '../../../src/core/store';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

export async function openTempStore(): Promise<Store> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-activity-')), 'focusflow.sqlite');
  return (await openStoreOnDisk({ file, logger: silentLogger })).store;
}

export function insertTeam(db: SqlDb, name: string, id: string = uuidv7()): string {
  const now = new Date().toISOString();
  db.run(
    `INSERT INTO teams (id, remote_id, name, invite_code, created_by, created_at, last_modified)
     VALUES (?, NULL, ?, ?, ?, ?, ?)`,
    [id, name, `code-${id.slice(0, 8)}`, uuidv7(), now, now],
  );
  return id;
}

export function insertMember(db: SqlDb, teamId: string, email: string | null, role: MemberRole = 'Member', userId: string = uuidv7()): string {
  const now = new Date().toISOString();
  db.run(
    `INSERT INTO members (id, remote_id, team_id, user_id, role, email, joined_at, last_modified)
     VALUES (?, NULL, ?, ?, ?, ?, ?, ?)`,
    [uuidv7(), teamId, userId, role, email, now, now],
  );
  return userId;
}

export interface SessionSeed {
  teamId: string;
  userId: string;
  /** ISO start. */
  start: string;
  /** Wall-clock minutes from start to end; null while the session runs. */
  spanMinutes: number | null;
  /** Focus seconds (pauses excluded); defaults to the span. */
  focusSeconds?: number | null;
}

export function insertSession(db: SqlDb, s: SessionSeed): void {
  const startMs = Date.parse(s.start);
  const end = s.spanMinutes === null ? null : new Date(startMs + s.spanMinutes * 60_000).toISOString();
  const focus = s.focusSeconds === undefined ? (s.spanMinutes === null ? null : s.spanMinutes * 60) : s.focusSeconds;
  db.run(
    `INSERT INTO shared_sessions (id, local_session_id, remote_session_id, team_id, user_id, start_time, end_time,
       planned_duration_minutes, actual_duration_seconds, completed, shared_at, last_modified, sync_status)
     VALUES (?, ?, NULL, ?, ?, ?, ?, 25, ?, ?, ?, ?, 'synced')`,
    [uuidv7(), uuidv7(), s.teamId, s.userId, new Date(startMs).toISOString(), end, focus, end ? 1 : 0, startMs, s.start],
  );
}

/** A small deterministic generator, so seeded data is the same in every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A team history like a real one: `members` people sharing `sessions` focus sessions over the days
 * before `now`, each person skipping about one day in four, most sessions 25 to 50 minutes, in work
 * hours (so some cross midnight in far-off zones).
 */
export function seedTeamHistory(
  db: SqlDb,
  o: { teamId: string; members: number; sessions: number; now: number; perDay?: number; everyDay?: boolean },
): string[] {
  const random = prng(42);
  const users = Array.from({ length: o.members }, (_, i) =>
    insertMember(db, o.teamId, `member${i}@example.test`, i === 0 ? 'Owner' : 'Member'),
  );
  const perDay = o.perDay ?? 4;
  let left = o.sessions;
  for (let day = 0; left > 0; day++) {
    for (const user of users) {
      if (!o.everyDay && random() < 0.25) continue;
      for (let k = 0; k < perDay && left > 0; k++, left--) {
        const start = o.now - day * 864e5 - (2 + k * 2 + random() * 8) * 36e5;
        const span = 25 + Math.floor(random() * 26);
        insertSession(db, { teamId: o.teamId, userId: user, start: new Date(start).toISOString(), spanMinutes: span });
      }
    }
  }
  return users;
}
