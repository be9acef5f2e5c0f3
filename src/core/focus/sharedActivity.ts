/**
 * "The user did something", shared by every window of the user's: without it, a window left in the
 * background would auto-pause the session the user is working on in another window. The entry point
 * picks how windows share it (a file's modification time on a local disk, a broadcast between browser
 * tabs); each keeps this window's own activity when sharing fails.
 */
export interface SharedActivity {
  /** This window saw the user do something now. */
  note(): void;
  /** The latest activity seen by this window or reported by any other. */
  lastActivity(): number | undefined;
}
