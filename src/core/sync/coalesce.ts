export type Operation = 'create' | 'update' | 'delete';

/** What the queue already holds for an entity: at most one operation, and whether the server may have the record. */
export interface PendingShape {
  operation: Operation;
  /** A create that an earlier attempt may have delivered; deleting it must then go out as a delete. */
  mayExistRemotely: boolean;
}

/**
 * What the queue holds after one more local change to the same entity:
 * - `replace`: one operation with the incoming payload;
 * - `drop`: nothing at all (a create the server never saw, then a delete);
 * - `keep`: the queued operation unchanged (an edit arriving after a delete, e.g. from a stale window).
 */
export type CoalesceResult = { kind: 'replace'; operation: Operation; mayExistRemotely: boolean } | { kind: 'drop' } | { kind: 'keep' };

export function coalesce(existing: PendingShape | undefined, incoming: Operation): CoalesceResult {
  if (!existing) return { kind: 'replace', operation: incoming, mayExistRemotely: false };
  const { operation, mayExistRemotely } = existing;
  switch (operation) {
    case 'create':
      if (incoming !== 'delete') return { kind: 'replace', operation: 'create', mayExistRemotely };
      return mayExistRemotely ? { kind: 'replace', operation: 'delete', mayExistRemotely: true } : { kind: 'drop' };
    case 'update':
      return { kind: 'replace', operation: incoming === 'delete' ? 'delete' : 'update', mayExistRemotely: false };
    case 'delete':
      if (incoming === 'update') return { kind: 'keep' };
      // Re-created before the delete went out: the server may still hold the record, so a later delete
      // of this create must not vanish silently. Creates are upserts (REPLACE), so sending one is safe.
      return incoming === 'create' ? { kind: 'replace', operation: 'create', mayExistRemotely: true } : { kind: 'replace', operation: 'delete', mayExistRemotely: true };
  }
}
