// Entry point for VS Code's Node extension host: the database on the local disk (fsync, rename, a lock
// file every window honours) and activity shared through a file's time. `web.ts` is the browser's.
import { createEntry } from './composition';
import { nodePlatform } from './node/platform';

export type { ActivationContext, FocusFlowApi } from './api';

export const { activate, deactivate } = createEntry(nodePlatform);
