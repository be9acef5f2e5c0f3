export { Store, DEFAULT_JOURNAL_LIMIT_BYTES, type StoreOptions, type StoreChange, type OpenResult } from './store';
export { StoreError, type StoreErrorCode } from './errors';
export type { SqlDb, SqlParam, SqlParams } from './sqlDb';
export type { StoragePort, StoredFile } from './storagePort';
