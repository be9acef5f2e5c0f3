// `npm run dev-server -- [--port 4000] [--data DIR] [--auto-verify] [--demo] [--test-control]
//   [--auth-token-ttl SEC] [--refresh-token-ttl SEC] [--mfa-token-ttl SEC] [--cors-allowed-origins ORIGIN]…
//   [fault flags]`: a TrailBase-compatible server
// on 127.0.0.1 running the kit in trailbase/traildepot. Prints `listening on http://127.0.0.1:PORT`.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from './app';
import { demoTotpNotice, seedDemo } from './demo';
import { faultsFromFlags } from './faults';

const argv = process.argv.slice(2);
const has = (name: string): boolean => argv.includes(name);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
/** Every value of a flag that may repeat, as clap collects a `Vec<String>` argument. */
const flags = (name: string): string[] => argv.flatMap((a, i) => (a === name && i + 1 < argv.length ? [argv[i + 1]] : []));

function main(): void {
  // The default lives outside the checkout, so running the server never dirties a clone.
  const dataDir = resolve(flag('--data') ?? join(tmpdir(), 'focusflow-trailbase-dev'));
  mkdirSync(dataDir, { recursive: true });
  console.error(`data dir: ${dataDir}`);
  const app = new App({
    dataDir,
    depotDir: resolve(flag('--depot') ?? join(__dirname, '..', '..', 'trailbase', 'traildepot')),
    testControl: has('--test-control'),
    corsAllowedOrigins: has('--cors-allowed-origins') ? flags('--cors-allowed-origins') : ['*'],
    autoVerify: has('--auto-verify'),
    authTokenTtlSec: Number(flag('--auth-token-ttl') ?? 3600),
    refreshTokenTtlSec: Number(flag('--refresh-token-ttl') ?? 30 * 24 * 3600),
    mfaTokenTtlSec: Number(flag('--mfa-token-ttl') ?? 120),
    log: (line) => console.error(line),
  });
  app.faults.set(faultsFromFlags(flag, has));
  if (has('--demo')) {
    if (seedDemo(app)) console.error('seeded demo data (password focusflow-demo)');
    console.error(demoTotpNotice(app));
  }
  const stop = (): void => {
    app.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Started by the test harness: die with the parent even if it is killed without cleanup.
  if (has('--exit-with-stdin')) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
  app.server.listen(Number(flag('--port') ?? 4000), '127.0.0.1', () => {
    console.log(`listening on ${app.url}`);
  });
}

main();
