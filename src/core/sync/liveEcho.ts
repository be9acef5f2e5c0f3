import type { Store } from '../store';
import type { SyncQueue } from './queue';
import type { EntityDefinition } from '../entities/registry';

/**
 * Whether a live change event only tells this machine what it already holds or is sending: the echo of
 * its own push (a share or an unshare it just sent). Pulling for it would fetch nothing new, yet show
 * "syncing" right after every share. Only for entity types whose every change moves their last-modified
 * time, as shared sessions do.
 */
export function echoesLocalState(store: Store, queue: SyncQueue, definition: EntityDefinition, record: unknown): boolean {
  try {
    const remote = definition.parseRemote(record);
    const id = remote.entity.localId;
    return store.read((db) => {
      const pending = queue.pendingFor(db, definition.type, id);
      // The event may overtake the reply to the request that caused it: then the change is still queued.
      if (pending) return (pending.operation === 'delete') === remote.deleted && definition.fromRecord(pending.payload).lastModified === remote.entity.lastModified;
      const local = definition.load(db, id);
      if (remote.deleted) return local === undefined;
      return local !== undefined && local.lastModified === remote.entity.lastModified;
    });
  } catch {
    // Anything unreadable, on either side, is for the pull to read and report.
    return false;
  }
}
