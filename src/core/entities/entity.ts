import type { z } from 'zod';

/**
 * A record that can travel through the sync queue: the TypeScript form of the desktop original's
 * `SyncableEntity` trait. `remoteId` is set once the server is known to hold the record; until then it
 * is undefined. Times are ISO 8601 UTC strings, as the tables store them.
 */
export interface SyncableEntity<Self extends SyncableEntity<Self> = AnySyncableEntity> {
  readonly entityType: string;
  readonly localId: string;
  remoteId: string | undefined;
  lastModified: string;
  /** The first problem found, naming the field; undefined when the entity is valid. */
  validate(): EntityValidationError | undefined;
  /** The version both sides should keep when local and remote changed the same record. */
  mergeWith(remote: Self): Self;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds entities of every type
export type AnySyncableEntity = SyncableEntity<any>;

/** Why an entity is not valid. `field` is the column name as stored, so the message points at data. */
export class EntityValidationError extends Error {
  override readonly name = 'EntityValidationError';

  constructor(
    readonly entityType: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${entityType}.${field}: ${reason}`);
  }

  static fromZod(entityType: string, error: z.ZodError): EntityValidationError {
    const issue = error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      return new EntityValidationError(entityType, issue.keys.join(', '), `is not a field of ${entityType}`);
    }
    const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)';
    return new EntityValidationError(entityType, field, issue?.message ?? 'invalid');
  }
}

/**
 * Last-write-wins on the last-modified time. A tie goes to the remote side: the server's copy is the one
 * every other client will also see, so picking it keeps all clients converging on the same version.
 */
export function lastWriteWins<T extends AnySyncableEntity>(local: T, remote: T): T {
  return Date.parse(local.lastModified) > Date.parse(remote.lastModified) ? local : remote;
}

/**
 * The shared machinery of every model: the stored record (column names as keys) is the single source of
 * the entity's state, validated by the model's zod schema. Models add typed getters and the remote id.
 */
export abstract class SyncableRecord<R extends { id: string; last_modified: string }, Self extends SyncableRecord<R, Self>>
  implements SyncableEntity<Self>
{
  abstract readonly entityType: string;
  protected abstract readonly schema: z.ZodType<R>;
  protected readonly fields: R;

  constructor(fields: R) {
    this.fields = { ...fields };
  }

  get localId(): string {
    return this.fields.id;
  }

  abstract get remoteId(): string | undefined;
  abstract set remoteId(id: string | undefined);

  get lastModified(): string {
    return this.fields.last_modified;
  }

  set lastModified(iso: string) {
    this.fields.last_modified = iso;
  }

  validate(): EntityValidationError | undefined {
    const result = this.schema.safeParse(this.fields);
    return result.success ? undefined : EntityValidationError.fromZod(this.entityType, result.error);
  }

  mergeWith(remote: Self): Self {
    return lastWriteWins(this as unknown as Self, remote);
  }

  /** The record as stored locally (and as queued): plain JSON, column names as keys. */
  toRecord(): R {
    return { ...this.fields };
  }

  toJSON(): R {
    return this.toRecord();
  }
}

/** Checks a stored or queued record against its schema; throws the typed error naming the first bad field. */
export function parseRecord<R>(schema: z.ZodType<R>, entityType: string, value: unknown): R {
  const result = schema.safeParse(value);
  if (!result.success) throw EntityValidationError.fromZod(entityType, result.error);
  return result.data;
}
