/** A minimal typed event, shaped like VS Code's so the UI can forward it without adapters. */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Every listener hears the event even if one throws; the first failure then reaches the caller. */
  fire(e: T): void {
    let failure: unknown;
    let failed = false;
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (err) {
        if (!failed) [failure, failed] = [err, true];
      }
    }
    if (failed) throw failure;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
