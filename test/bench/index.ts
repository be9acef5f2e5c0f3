// `npm run bench [-- --json] [-- --only GROUP]`: runs every benchmark suite in this process order and
// prints one table (or JSON). Each suite measures its figure and a baseline side by side in the same run,
// because these machines are shared and noisy: absolute numbers from different runs do not compare.
import { printTable, type BenchResult } from './report';
import { suites } from './suites';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  const results: BenchResult[] = [];
  for (const suite of suites) {
    if (only && suite.name !== only) continue;
    if (!json) console.error(`running ${suite.name} …`);
    results.push(...(await suite.run()));
  }
  if (json) console.log(JSON.stringify(results, null, 2));
  else printTable(results);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
