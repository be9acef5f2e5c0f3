import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import initSqlJs from 'sql.js';
import { Store, type SqlDb } from '../../src/core/store';
import { silentLogger } from '../../src/core/logger';
import { bundleScript } from '../support/bundleScript';
import type { BenchResult } from './report';

const SIZES = [1_000, 10_000, 100_000];
const RUNS = 7;
const wasmFile = require.resolve('sql.js/dist/sql-wasm.wasm');

function seed(db: SqlDb, count: number): void {
  const day = 864e5;
  for (let i = 0; i < count; i++) {
    const start = new Date(Date.now() - (i % 365) * day - (i % 24) * 36e5).toISOString();
    db.run(
      `INSERT INTO sessions (id, kind, label, start_time, end_time, planned_duration_minutes, actual_duration_seconds,
         state, completed, created_at, last_modified) VALUES (?, 'focus', ?, ?, ?, 25, 1500, 'completed', 1, ?, ?)`,
      [`bench-${i}`, `Task ${i % 50}`, start, start, start, start],
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function seededFile(count: number): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-bench-')), 'focusflow.sqlite');
  const { store } = await Store.open({ file, logger: silentLogger });
  await store.write((db) => seed(db, count));
  await store.close();
  return file;
}

function timeInFreshProcess(script: string, env: NodeJS.ProcessEnv, file: string, mode: string): number {
  const out = execFileSync(process.execPath, [script, file, wasmFile, mode], { env, encoding: 'utf8' });
  return (JSON.parse(out) as { ms: number }).ms;
}

export async function runStoreBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const { script, env } = bundleScript(path.join(__dirname, 'fixtures', 'openStore.ts'));
  const SQL = await initSqlJs();
  for (const size of SIZES) {
    const file = await seededFile(size);
    const label = `${size / 1000}k sessions`;
    const open = median(Array.from({ length: RUNS }, () => timeInFreshProcess(script, env, file, 'store')));
    const floor = median(Array.from({ length: RUNS }, () => timeInFreshProcess(script, env, file, 'floor')));
    results.push({
      group: 'store',
      name: `activation path, ${label} (fresh process)`,
      value: open,
      unit: 'ms',
      baseline: { name: 'raw sql.js init+load', value: floor },
      target: size === 100_000 ? '< 150 ms' : undefined,
      ok: size === 100_000 ? open < 150 : undefined,
    });

    const { store } = await Store.open({ file, logger: silentLogger });
    const persist: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await store.write((db) => db.run("UPDATE sessions SET label = 'edited' WHERE id = ?", [`bench-${i}`]));
      persist.push(performance.now() - t);
    }
    await store.close();
    const raw: number[] = [];
    const db = new SQL.Database(fs.readFileSync(file));
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      fs.writeFileSync(`${file}.raw`, db.export());
      raw.push(performance.now() - t);
    }
    db.close();
    results.push({
      group: 'store',
      name: `persist one change, ${label}`,
      value: median(persist),
      unit: 'ms',
      baseline: { name: 'raw export+write, no fsync', value: median(raw) },
    });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }

  const file = await seededFile(1_000);
  const { store } = await Store.open({ file, logger: silentLogger });
  let before = store.counters.persists;
  let t = performance.now();
  await Promise.all(Array.from({ length: 1000 }, (_, i) => store.write((db) => db.run("UPDATE sessions SET label = 'burst' WHERE id = ?", [`bench-${i}`]))));
  const burstMs = performance.now() - t;
  const burstWrites = store.counters.persists - before;
  before = store.counters.persists;
  t = performance.now();
  for (let i = 0; i < 1000; i++) await store.write((db) => db.run("UPDATE sessions SET label = 'one' WHERE id = ?", [`bench-${i}`]));
  const oneByOneMs = performance.now() - t;
  const oneByOneWrites = store.counters.persists - before;
  await store.close();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  results.push(
    {
      group: 'store',
      name: 'burst of 1,000 changes: file writes',
      value: burstWrites,
      unit: 'writes',
      baseline: { name: '1,000 awaited one by one', value: oneByOneWrites },
      target: '<= 20',
      ok: burstWrites <= 20,
    },
    {
      group: 'store',
      name: 'burst of 1,000 changes: total time',
      value: burstMs,
      unit: 'ms',
      baseline: { name: '1,000 awaited one by one', value: oneByOneMs },
      target: '< 1000 ms',
      ok: burstMs < 1000,
    },
  );
  return results;
}
