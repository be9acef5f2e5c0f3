import * as path from 'path';
import { Store, type OpenResult, type StoreOptions } from '../../core/store';
import { createNodeStorage } from './nodeStorage';

export interface DiskStoreOptions extends Omit<StoreOptions, 'storage'> {
  lockStaleMs?: number;
  lockTimeoutMs?: number;
}

/** Opens the store on a local disk: the base, its journal and its lock file in the database file's folder. */
export async function openStoreOnDisk(options: DiskStoreOptions): Promise<OpenResult> {
  const { lockStaleMs, lockTimeoutMs, ...rest } = options;
  const storage = createNodeStorage(path.dirname(options.file), { lockName: `${path.basename(options.file)}.lock`, lockStaleMs, lockTimeoutMs });
  return Store.open({ ...rest, storage });
}
