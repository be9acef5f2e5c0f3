import { uuidv7 } from '../../../src/core/ids';
import type { SqlDb } from '../../../src/core/store';
import { prng } from './seed';

export interface LocalSessionSeed {
  /** ISO start. */
  start: string;
  /** Wall-clock minutes from start to end. */
  spanMinutes: number;
  state?: 'completed' | 'cancelled';
  kind?: 'focus' | 'break';
  /** Focus seconds (pauses excluded); defaults to the span. */
  focusSeconds?: number;
  label?: string | null;
}

/** One ended session in the local `sessions` table, as the focus service writes it. */
export function insertLocalSession(db: SqlDb, s: LocalSessionSeed): string {
  const startMs = Date.parse(s.start);
  const end = new Date(startMs + s.spanMinutes * 60_000).toISOString();
  const state = s.state ?? 'completed';
  const focus = s.focusSeconds ?? s.spanMinutes * 60;
  const id = uuidv7();
  db.run(
    `INSERT INTO sessions (id, kind, break_type, label, start_time, end_time, planned_duration_minutes,
       actual_duration_seconds, paused_seconds, paused_at, state, completed, created_at, last_modified)
     VALUES (?, ?, ?, ?, ?, ?, 25, ?, ?, NULL, ?, ?, ?, ?)`,
    [id, s.kind ?? 'focus', s.kind === 'break' ? 'short' : null, s.label ?? null, new Date(startMs).toISOString(), end, focus,
      Math.max(0, s.spanMinutes * 60 - focus), state, state === 'completed' ? 1 : 0, new Date(startMs).toISOString(), end],
  );
  return id;
}

/**
 * A solo history like a real one: `sessions` sessions before `now`, three to eight a day in work hours
 * (so some cross midnight in far-off zones), about one in eight cancelled, a few days off, some breaks.
 */
export function seedLocalHistory(db: SqlDb, o: { sessions: number; now: number; perDay?: number }): void {
  const random = prng(7);
  const perDay = o.perDay ?? 6;
  let left = o.sessions;
  for (let day = 0; left > 0; day++) {
    if (random() < 0.1) continue;
    for (let k = 0; k < perDay && left > 0; k++, left--) {
      const start = o.now - day * 864e5 - (1 + k * 1.5 + random() * 6) * 36e5;
      const span = 20 + Math.floor(random() * 40);
      const kind = random() < 0.15 ? 'break' : 'focus';
      insertLocalSession(db, {
        start: new Date(start).toISOString(),
        spanMinutes: span,
        kind,
        state: random() < 0.12 ? 'cancelled' : 'completed',
        focusSeconds: span * 60 - (random() < 0.2 ? Math.floor(random() * 300) : 0),
        label: random() < 0.3 ? `Task ${k}, "quoted"` : null,
      });
    }
  }
}
