// Entry point for the browser's web worker extension host (vscode.dev, github.dev, code-server and
// Codespaces in a browser): the database through vscode.workspace.fs with Web Locks, activity shared
// between tabs by a BroadcastChannel. Everything else is the code the Node host runs (`extension.ts`).
import { createEntry } from './composition';
import { webPlatform } from './web/platform';

export type { ActivationContext, FocusFlowApi } from './api';

export const { activate, deactivate } = createEntry(webPlatform);
