/** One measured figure; `baseline` is the comparison measured in the same run, `target` the bar. */
export interface BenchResult {
  group: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  target?: string;
  /** Whether `value` meets `target`; undefined when there is no target. */
  ok?: boolean;
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.group,
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
    r.target ? `${r.target} ${r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED'}` : '',
  ]);
  const header = ['group', 'measure', 'value', 'baseline (same run)', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2);
}
