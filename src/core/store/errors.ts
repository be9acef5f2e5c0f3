/** Why the store could not do what was asked; `message` is written for the user and names a next step. */
export type StoreErrorCode = 'unwritable' | 'lock-timeout' | 'persist-failed' | 'too-new' | 'unsupported-schema';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}
