import { MAX_MINUTES } from './validation';

/** The user's timer preferences; the UI reads them from VS Code settings on every use. */
export interface FocusSettings {
  focusMinutes: number;
  shortBreakMinutes: number;
  longBreakMinutes: number;
  /** A long break follows this many completed focus sessions; 0 means never. */
  longBreakEvery: number;
  /** Auto-pause after this many minutes without activity; 0 (the default) means off. */
  autoPauseIdleMinutes: number;
}

export const defaultFocusSettings: FocusSettings = {
  focusMinutes: 25,
  shortBreakMinutes: 5,
  longBreakMinutes: 15,
  longBreakEvery: 4,
  autoPauseIdleMinutes: 0,
};

/** Hand-edited settings.json can hold anything: each unusable value falls back to its default. */
export function sanitizeSettings(raw: Partial<Record<keyof FocusSettings, unknown>>): FocusSettings {
  const pick = (key: keyof FocusSettings, min: number, max: number): number => {
    const v = raw[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : defaultFocusSettings[key];
  };
  return {
    focusMinutes: pick('focusMinutes', 1, MAX_MINUTES),
    shortBreakMinutes: pick('shortBreakMinutes', 1, MAX_MINUTES),
    longBreakMinutes: pick('longBreakMinutes', 1, MAX_MINUTES),
    longBreakEvery: pick('longBreakEvery', 0, 100),
    autoPauseIdleMinutes: pick('autoPauseIdleMinutes', 0, MAX_MINUTES),
  };
}
