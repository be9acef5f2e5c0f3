/**
 * Typed failures of the focus timer. The UI turns them into a message with a next step; they never
 * escape to VS Code as exceptions.
 */
export type FocusErrorCode =
  | 'invalid-duration'
  | 'invalid-label'
  | 'invalid-break-type'
  | 'nothing-active'
  | 'not-running'
  | 'not-paused'
  | 'already-active';

export class FocusError extends Error {
  constructor(
    readonly code: FocusErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller passed something the timer cannot accept; nothing was started or changed. */
export class FocusValidationError extends FocusError {}

/** The call does not fit the current state (pause with nothing running, start while running). */
export class FocusStateError extends FocusError {}
