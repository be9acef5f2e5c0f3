import type { SqlDb } from '../store';
import type { AnySyncableEntity } from './entity';

/** A change waiting to be sent: what `toRemoteOperation` needs of a queued operation. */
export interface OutgoingChange {
  entityType: string;
  entityId: string;
  operation: 'create' | 'update' | 'delete';
  payload: unknown;
}

/** A server row as the pull sees it: the entity, whether it is a tombstone, and its server-time checkpoint. */
export interface RemoteChange<E extends AnySyncableEntity = AnySyncableEntity> {
  entity: E;
  deleted: boolean;
  /** The server's `updated_at` (epoch ms): the pull checkpoint. */
  updatedAt: number;
}

/**
 * Everything the queue and the engine need to know about one entity type. Adding a type means writing
 * its model and one of these, and registering it; the queue and the engine only ever go through here.
 */
export interface EntityDefinition<E extends AnySyncableEntity = AnySyncableEntity> {
  /** The entity's type name, as stored in `sync_queue.entity_type`. */
  readonly type: string;
  /** The TrailBase record API it syncs with. */
  readonly apiName: string;
  /** Checks a stored or queued record; throws `EntityValidationError` naming the first bad field. */
  fromRecord(record: unknown): E;
  toRecord(entity: E): Record<string, unknown>;
  /** Checks a server row (zod); throws `EntityValidationError` naming the first bad field. */
  parseRemote(value: unknown): RemoteChange<E>;
  /** The record API body of a create; carries the client-generated id. */
  toRemoteCreate(entity: E): Record<string, unknown>;
  /** The PATCH body of an update. */
  toRemoteUpdate(entity: E): Record<string, unknown>;
  /**
   * The whole record as a tombstone, created over whatever the server holds (REPLACE), or undefined when
   * a delete is a real DELETE. An upsert rather than a PATCH: the create being deleted may never have
   * reached the server, and a PATCH of a missing record is refused like a forbidden one (403).
   */
  toRemoteDeletion(entity: E): Record<string, unknown> | undefined;
  /** The record id on the server of the record with this local id. */
  remoteRecordId(localId: string): string;
  /**
   * The local id of the user whose change this is, when only they may send it (the server refuses it
   * from anyone else); undefined when anyone signed in may. Queued changes of another user are held.
   */
  ownerOf?(entity: E): string | undefined;
  /** The local copy, if any. */
  load(db: SqlDb, localId: string): E | undefined;
  save(db: SqlDb, entity: E): void;
  remove(db: SqlDb, localId: string): void;
  /**
   * Records on the local rows what the queue learnt: `synced` once the server holds the latest change,
   * `failed` when it was refused for good, `pending` when it was queued again. Takes a whole batch's ids,
   * because a push acknowledges thousands at once and one statement per row is most of its local cost.
   */
  setSyncStatus(db: SqlDb, localIds: readonly string[], status: 'pending' | 'synced' | 'failed'): void;
}

/** One TrailBase transaction operation (`POST /api/transaction/v1/execute`). */
export type RemoteOperation =
  | { Create: { api_name: string; value: Record<string, unknown> } }
  | { Update: { api_name: string; record_id: string; value: Record<string, unknown> } }
  | { Delete: { api_name: string; record_id: string } };

export class EntityRegistry {
  private readonly byType = new Map<string, EntityDefinition>();

  register<E extends AnySyncableEntity>(definition: EntityDefinition<E>): this {
    if (this.byType.has(definition.type)) throw new Error(`entity type ${definition.type} is already registered`);
    if (this.definitions.some((d) => d.apiName === definition.apiName)) {
      throw new Error(`record API ${definition.apiName} already belongs to another entity type`);
    }
    this.byType.set(definition.type, definition as unknown as EntityDefinition);
    return this;
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  get(type: string): EntityDefinition {
    const definition = this.byType.get(type);
    if (!definition) throw new Error(`unknown entity type ${type}; register it first`);
    return definition;
  }

  byApiName(apiName: string): EntityDefinition | undefined {
    return this.definitions.find((d) => d.apiName === apiName);
  }

  get definitions(): EntityDefinition[] {
    return [...this.byType.values()];
  }

  /**
   * What a queued operation sends. A create is sent as a create on every attempt, even if an earlier
   * attempt may have reached the server: the record APIs use conflict_resolution REPLACE, so the same
   * client id lands on the same row with the latest payload instead of a second record.
   */
  toRemoteOperation(op: OutgoingChange): RemoteOperation {
    const definition = this.get(op.entityType);
    const entity = definition.fromRecord(op.payload);
    const api_name = definition.apiName;
    const record_id = definition.remoteRecordId(op.entityId);
    switch (op.operation) {
      case 'create':
        return { Create: { api_name, value: definition.toRemoteCreate(entity) } };
      case 'update':
        return { Update: { api_name, record_id, value: definition.toRemoteUpdate(entity) } };
      case 'delete': {
        const tombstone = definition.toRemoteDeletion(entity);
        return tombstone ? { Create: { api_name, value: tombstone } } : { Delete: { api_name, record_id } };
      }
    }
  }
}
