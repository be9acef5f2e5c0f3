import { lastWriteWins, type SyncableEntity } from '../entities/entity';

/** How a record changed both locally (with an operation still queued) and on the server is settled. */
export type ConflictStrategy = 'LastWriteWins' | 'LocalWins' | 'RemoteWins' | 'CustomMerge';

export const CONFLICT_STRATEGIES: readonly ConflictStrategy[] = ['LastWriteWins', 'LocalWins', 'RemoteWins', 'CustomMerge'];

export function isConflictStrategy(value: unknown): value is ConflictStrategy {
  return typeof value === 'string' && (CONFLICT_STRATEGIES as readonly string[]).includes(value);
}

/**
 * The version to keep. `CustomMerge` asks the local entity's `mergeWith`, which models override when
 * field-level merging makes sense and which otherwise is last-write-wins.
 */
export function resolveConflict<T extends SyncableEntity<T>>(local: T, remote: T, strategy: ConflictStrategy = 'LastWriteWins'): T {
  if (local.entityType !== remote.entityType || local.localId !== remote.localId) {
    throw new TypeError(
      `resolveConflict needs two versions of one record, got ${local.entityType} ${local.localId} and ${remote.entityType} ${remote.localId}`,
    );
  }
  switch (strategy) {
    case 'LastWriteWins':
      return lastWriteWins(local, remote);
    case 'LocalWins':
      return local;
    case 'RemoteWins':
      return remote;
    case 'CustomMerge':
      return local.mergeWith(remote);
  }
}
