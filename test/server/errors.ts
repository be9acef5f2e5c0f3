// TrailBase's record error mapping (records/error.rs): plain-text bodies, 405 for unknown APIs and
// writes to views, 403 for any ACL or rule denial, SQLite constraint codes as 400.

export class HttpError extends Error {
  constructor(readonly status: number, readonly body = '', readonly headers: Record<string, string> = {}) {
    super(body || String(status));
  }
}

export const apiNotFound = (): HttpError => new HttpError(405);
export const apiRequiresTable = (): HttpError => new HttpError(405);
export const forbidden = (): HttpError => new HttpError(403);
export const recordNotFound = (): HttpError => new HttpError(404);
export const badRequest = (msg: string): HttpError => new HttpError(400, msg);
/** Release builds of TrailBase answer internal errors with an empty 500. */
export const internal = (): HttpError => new HttpError(500);

const CONSTRAINT_MESSAGES: Record<string, string> = {
  SQLITE_CONSTRAINT_CHECK: 'db constraint: check',
  SQLITE_CONSTRAINT_COMMITHOOK: 'db constraint: commit hook',
  SQLITE_CONSTRAINT_DATATYPE: 'db constraint: data type',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'db constraint: fk',
  SQLITE_CONSTRAINT_FUNCTION: 'db constraint: function',
  SQLITE_CONSTRAINT_NOTNULL: 'db constraint: not null',
  SQLITE_CONSTRAINT_PINNED: 'db constraint: pinned',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'db constraint: pk',
  SQLITE_CONSTRAINT_ROWID: 'db constraint: row id',
  SQLITE_CONSTRAINT_TRIGGER: 'db constraint: trigger',
  SQLITE_CONSTRAINT_UNIQUE: 'db constraint: unique',
  SQLITE_CONSTRAINT_VTAB: 'db constraint: vtab',
};

/** Maps an error thrown by SQLite during a single-statement write the way RecordError::from does. */
export function sqliteToHttp(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_ERROR') return badRequest('rejected');
  if (code && CONSTRAINT_MESSAGES[code]) return badRequest(CONSTRAINT_MESSAGES[code]);
  return internal();
}
