// The packaged extension as users download it: the .vsix that `npm run package` produces.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { BenchResult } from './report';

const root = path.resolve(__dirname, '../..');
export const vsix = path.join(root, 'focusflow.vsix');
const targetMb = 1.5;

/** Newest modification time of anything the package is built from. */
function newestSource(): number {
  const walk = (p: string): number => {
    if (!fs.existsSync(p)) return 0;
    const stat = fs.statSync(p);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...fs.readdirSync(p).map((name) => walk(path.join(p, name))));
  };
  return Math.max(...['src', 'media', 'package.json', 'esbuild.js', '.vscodeignore'].map((p) => walk(path.join(root, p))));
}

/** Builds the .vsix when it is missing or older than its sources, so the figure is this tree's. */
export function ensurePackage(): void {
  if (fs.existsSync(vsix) && fs.statSync(vsix).mtimeMs >= newestSource()) return;
  // npm's output goes to stderr: stdout may be carrying the --json report
  const r = spawnSync('npm', ['run', 'package'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`npm run package exited ${r.status}`);
}

/** The packaged .vsix size against the bar. */
export async function runExtensionBench(): Promise<BenchResult[]> {
  ensurePackage();
  const mb = fs.statSync(vsix).size / 1e6;
  return [
    {
      group: 'extension',
      name: 'packaged .vsix size',
      value: Math.round(mb * 1000) / 1000,
      unit: 'MB',
      target: `< ${targetMb} MB`,
      ok: mb < targetMb,
    },
  ];
}
