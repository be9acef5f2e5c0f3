import type { SqlDb } from '../sqlDb';

/** One schema step. Versions are consecutive from 1; a migration may add, never drop, what users hold. */
export interface Migration {
  version: number;
  name: string;
  up(db: SqlDb): void;
}
