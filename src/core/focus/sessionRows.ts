import type { SqlDb } from '../store';
import type { BreakType, FocusSession, SessionKind, SessionState } from './session';

/** The `sessions` table's columns, as sql.js returns them. */
export interface SessionRow {
  id: string;
  kind: SessionKind;
  break_type: BreakType | null;
  label: string | null;
  start_time: string;
  end_time: string | null;
  planned_duration_minutes: number;
  actual_duration_seconds: number | null;
  paused_seconds: number;
  paused_at: string | null;
  state: SessionState;
  completed: number;
  created_at: string;
  last_modified: string;
}

function fromRow(r: SessionRow): FocusSession {
  return {
    id: r.id,
    kind: r.kind,
    breakType: r.break_type,
    label: r.label,
    state: r.state,
    startTime: r.start_time,
    endTime: r.end_time,
    plannedMinutes: r.planned_duration_minutes,
    actualSeconds: r.actual_duration_seconds,
    pausedSeconds: r.paused_seconds,
    pausedAt: r.paused_at,
    completed: r.completed === 1,
    createdAt: r.created_at,
    lastModified: r.last_modified,
  };
}

const columns = (s: FocusSession) => ({
  ':id': s.id,
  ':kind': s.kind,
  ':break_type': s.breakType,
  ':label': s.label,
  ':start_time': s.startTime,
  ':end_time': s.endTime,
  ':planned': s.plannedMinutes,
  ':actual': s.actualSeconds,
  ':paused_seconds': s.pausedSeconds,
  ':paused_at': s.pausedAt,
  ':state': s.state,
  ':completed': s.completed ? 1 : 0,
  ':created_at': s.createdAt,
  ':last_modified': s.lastModified,
});

/**
 * The running or paused session, if any. Normally at most one exists; should two windows' histories
 * ever have left two, the newest is the one the user sees and acts on.
 */
export function loadActive(db: SqlDb): FocusSession | undefined {
  const row = db.get<SessionRow>(
    "SELECT * FROM sessions WHERE state IN ('running','paused') ORDER BY start_time DESC, id DESC LIMIT 1",
  );
  return row && fromRow(row);
}

export function insertSession(db: SqlDb, s: FocusSession): void {
  db.run(
    `INSERT INTO sessions (id, kind, break_type, label, start_time, end_time, planned_duration_minutes,
       actual_duration_seconds, paused_seconds, paused_at, state, completed, created_at, last_modified)
     VALUES (:id, :kind, :break_type, :label, :start_time, :end_time, :planned, :actual, :paused_seconds,
       :paused_at, :state, :completed, :created_at, :last_modified)`,
    columns(s),
  );
}

/**
 * Writes a transition only if the row is still the version it was computed from: when two windows
 * race to complete the same session, exactly one update changes a row and that window alone reports it.
 */
export function updateIfUnchanged(db: SqlDb, from: FocusSession, to: FocusSession): boolean {
  const { ':id': id, ':created_at': _created, ':kind': _kind, ...rest } = columns(to);
  const changed = db.run(
    `UPDATE sessions SET break_type = :break_type, label = :label, start_time = :start_time, end_time = :end_time,
       planned_duration_minutes = :planned, actual_duration_seconds = :actual, paused_seconds = :paused_seconds,
       paused_at = :paused_at, state = :state, completed = :completed, last_modified = :last_modified
     WHERE id = :id AND state = :prev_state AND last_modified = :prev_modified`,
    { ...rest, ':id': id, ':prev_state': from.state, ':prev_modified': from.lastModified },
  );
  return changed === 1;
}

export interface PeriodTotal {
  /** Completed focus sessions that started in the period. */
  sessions: number;
  focusSeconds: number;
}

/** `+state` keeps SQLite on the start_time index: "completed" matches nearly every row, a period few. */
export function focusTotalSince(db: SqlDb, sinceIso: string): PeriodTotal {
  const row = db.get<{ n: number; secs: number }>(
    `SELECT COUNT(*) AS n, COALESCE(SUM(actual_duration_seconds), 0) AS secs FROM sessions
     WHERE kind = 'focus' AND +state = 'completed' AND start_time >= :since`,
    { ':since': sinceIso },
  );
  return { sessions: row?.n ?? 0, focusSeconds: row?.secs ?? 0 };
}

export function recentSessions(db: SqlDb, limit: number): FocusSession[] {
  return db.all<SessionRow>('SELECT * FROM sessions ORDER BY start_time DESC LIMIT :limit', { ':limit': limit }).map(fromRow);
}

/** The start of the last long break since `sinceIso` that was not cancelled. */
export function lastLongBreakSince(db: SqlDb, sinceIso: string): string | undefined {
  const row = db.get<{ start_time: string }>(
    `SELECT start_time FROM sessions
     WHERE start_time >= :since AND kind = 'break' AND break_type = 'long' AND +state != 'cancelled'
     ORDER BY start_time DESC LIMIT 1`,
    { ':since': sinceIso },
  );
  return row?.start_time;
}
