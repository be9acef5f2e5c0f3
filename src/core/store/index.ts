export { Store, type StoreOptions, type StoreChange, type OpenResult } from './store';
export { StoreError, type StoreErrorCode } from './errors';
export type { SqlDb, SqlParam, SqlParams } from './sqlDb';
