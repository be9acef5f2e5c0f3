/**
 * A focus or break session as the `sessions` table stores it, in camelCase. Times are ISO 8601 UTC
 * strings exactly as stored, so a command's result can be compared with the database row as is.
 * "Idle" is not a state: it is the absence of a running or paused session.
 */
export type SessionKind = 'focus' | 'break';
export type BreakType = 'short' | 'long';
export type SessionState = 'running' | 'paused' | 'completed' | 'cancelled';

export interface FocusSession {
  id: string;
  kind: SessionKind;
  breakType: BreakType | null;
  label: string | null;
  state: SessionState;
  startTime: string;
  endTime: string | null;
  plannedMinutes: number;
  actualSeconds: number | null;
  pausedSeconds: number;
  pausedAt: string | null;
  completed: boolean;
  createdAt: string;
  lastModified: string;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();
export const toMs = (iso: string): number => Date.parse(iso);
