import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Bundles a TypeScript entry into plain JS in a temp folder, so a child process starts in a few dozen
 * milliseconds instead of paying for a TypeScript loader (tests start hundreds of them). sql.js stays
 * external and resolves from the repository's node_modules through NODE_PATH.
 */
export function bundleScript(entry: string): { script: string; env: NodeJS.ProcessEnv } {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-script-'));
  const script = path.join(outDir, `${path.basename(entry, '.ts')}.js`);
  esbuild.buildSync({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['sql.js'],
    logLevel: 'error',
  });
  const nodePath = path.resolve(__dirname, '../../node_modules');
  return { script, env: { ...process.env, NODE_PATH: nodePath } };
}

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-store-')), 'focusflow.sqlite');
}
