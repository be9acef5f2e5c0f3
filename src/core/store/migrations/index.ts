import type { Migration } from './migration';
import { initial } from './001_initial';

/** Every schema version in order; a new one is a file beside this one and a line here. */
export const migrations: readonly Migration[] = [initial];

export type { Migration } from './migration';
