import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Bundles a fixture into plain JS once, so each child starts in a few dozen milliseconds (the crash test
 * starts hundreds of them). sql.js stays external and resolves from the repository's node_modules.
 */
export function bundleFixture(name: string): { script: string; env: NodeJS.ProcessEnv } {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-fixture-'));
  const script = path.join(outDir, `${name}.js`);
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'fixtures', `${name}.ts`)],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['sql.js'],
    logLevel: 'error',
  });
  const nodePath = path.resolve(__dirname, '../../../node_modules');
  return { script, env: { ...process.env, NODE_PATH: nodePath } };
}

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-store-')), 'focusflow.sqlite');
}
