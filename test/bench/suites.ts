import type { BenchResult } from './report';
import { runActivityBench } from './activity.bench';
import { runClientBench } from './client.bench';
import { runExtensionBench } from './extension.bench';
import { runHostsBench } from './hosts.bench';
import { runServerBench } from './server.bench';
import { runStoreBench } from './store.bench';
import { runSyncBench } from './sync.bench';

export interface BenchSuite {
  name: string;
  run(): Promise<BenchResult[]>;
}

/** Every suite `npm run bench` runs; a new suite adds one line here. */
export const suites: BenchSuite[] = [
  { name: 'store', run: runStoreBench },
  { name: 'extension', run: runExtensionBench },
  { name: 'client', run: runClientBench },
  { name: 'activity', run: runActivityBench },
  { name: 'server', run: runServerBench },
  { name: 'sync', run: runSyncBench },
  { name: 'hosts', run: runHostsBench },
];
