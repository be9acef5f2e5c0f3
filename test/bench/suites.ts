import type { BenchResult } from './report';
import { runStoreBench } from './store.bench';

export interface BenchSuite {
  name: string;
  run(): Promise<BenchResult[]>;
}

/** Every suite `npm run bench` runs; a new suite adds one line here. */
export const suites: BenchSuite[] = [
  { name: 'store', run: runStoreBench },
];
