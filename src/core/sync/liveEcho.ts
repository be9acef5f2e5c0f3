import type { Store } from '../store';
import type { SyncQueue } from './queue';
import type { EntityDefinition } from './registry';

/**
 * Whether a live change event only tells this machine what it already holds or is sending: the echo of
 * its own push (a share or an unshare it just sent). Pulling for it would fetch nothing new, yet show
 * "syncing" right after every share. Only for entity types whose every change moves their last-modified
 * time, as shared sessions do; a record this version cannot read is never an echo (the pull reads and
 * reports it).
 */
export function echoesLocalState(store: Store, queue: SyncQueue, definition: EntityDefinition, record: unknown): boolean {
  let remote: ReturnType<EntityDefinition['parseRemote']>;
  try {
    remote = definition.parseRemote(record);
  } catch {
    return false;
  }
  const id = remote.entity.localId;
  return store.read((db) => {
    const pending = queue.pendingFor(db, definition.type, id);
    // The event may overtake the reply to the request that caused it: then the change is still queued.
    if (pending) return (pending.operation === 'delete') === remote.deleted && queuedLastModified(definition, pending.payload) === remote.entity.lastModified;
    const local = definition.load(db, id);
    if (remote.deleted) return local === undefined;
    return local !== undefined && local.lastModified === remote.entity.lastModified;
  });
}

function queuedLastModified(definition: EntityDefinition, payload: unknown): string | undefined {
  try {
    return definition.fromRecord(payload).lastModified;
  } catch {
    return undefined;
  }
}
