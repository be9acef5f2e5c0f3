import { FocusValidationError } from './errors';

export const MAX_MINUTES = 24 * 60;
const MAX_LABEL_LENGTH = 200;

/**
 * Accepts whole minutes from 1 to 24 h, as a number or as text typed by a user ("25", " 50 ").
 * The column is an INTEGER, so fractions are refused rather than silently rounded.
 */
export function parseMinutes(input: unknown): number {
  const value = typeof input === 'string' && input.trim() !== '' ? Number(input.trim()) : input;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FocusValidationError('invalid-duration', `Duration must be a number of minutes, got ${describe(input)}.`);
  }
  if (!Number.isInteger(value)) {
    throw new FocusValidationError('invalid-duration', `Duration must be whole minutes, got ${value}.`);
  }
  if (value <= 0) {
    throw new FocusValidationError('invalid-duration', `Duration must be at least 1 minute, got ${value}.`);
  }
  if (value > MAX_MINUTES) {
    throw new FocusValidationError('invalid-duration', `Duration must be at most 24 hours (${MAX_MINUTES} minutes), got ${value}.`);
  }
  return value;
}

/** Empty or whitespace labels are stored as NULL; anything that is not text is refused. */
export function parseLabel(input: unknown): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'string') {
    throw new FocusValidationError('invalid-label', `Label must be text, got ${describe(input)}.`);
  }
  const label = input.trim();
  if (label.length > MAX_LABEL_LENGTH) {
    throw new FocusValidationError('invalid-label', `Label must be at most ${MAX_LABEL_LENGTH} characters.`);
  }
  return label === '' ? null : label;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return String(v);
  return typeof v === 'object' ? 'an object' : String(v);
}
