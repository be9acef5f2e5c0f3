/**
 * The files the store keeps, behind the few operations the journal needs. The Node implementation
 * (`src/node/store/nodeStorage.ts`) fsyncs and renames; the browser's (`src/web/workspaceStorage.ts`)
 * offers the same operations over `vscode.workspace.fs`, which has no append or fsync, by keeping each
 * file as segments that a commit rewrites within a bound. Names are plain file names inside one folder.
 */
export interface StoragePort {
  /** Where the files live, for messages to the user. */
  readonly location: string;
  /** The file's bytes from `offset` on; undefined when the file does not exist. */
  read(name: string, offset?: number): Promise<Uint8Array | undefined>;
  /** Adds `bytes` at the end of the file (creating it) and returns once they are durable. */
  append(name: string, bytes: Uint8Array): Promise<void>;
  /** Replaces the file's whole content so that a crash leaves the old or the new content, never a mix. */
  replace(name: string, bytes: Uint8Array): Promise<void>;
  /** The folder's files whose name starts with `prefix`, with what tells one version of a file from another. */
  list(prefix: string): Promise<StoredFile[]>;
  remove(name: string): Promise<void>;
  /** Takes the lock every window's writer holds while it writes; the returned function releases it. */
  lock(): Promise<() => void>;
  /** Calls back when a file in the folder may have changed; without it the store polls alone. */
  watch?(onChange: (name: string | undefined) => void, onError: (err: Error) => void): { dispose(): void };
  /**
   * Optional synchronous reads, where the platform has them: with them a read sees another window's
   * write at once, without them at the next poll or file event.
   */
  readonly sync?: {
    read(name: string, offset?: number): Uint8Array | undefined;
    list(prefix: string): StoredFile[];
  };
}

export interface StoredFile {
  name: string;
  size: number;
  /** Changes whenever the file is replaced (not when it grows by an append): its inode on Node. */
  version: string;
}
