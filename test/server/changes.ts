// Change capture for subscriptions. TrailBase uses SQLite's preupdate hook; better-sqlite3 has no
// hook, so TEMP triggers (visible only to this connection) log each change of a subscribed table,
// and after every committed write the log is drained into Insert/Update/Delete events. Insert and
// Update carry the row as committed; Delete the row as it was.
import type { Db } from './db';
import { parseJson } from './json';
import type { TableSchema } from './schema';

export interface Change {
  table: string;
  kind: 'Insert' | 'Update' | 'Delete';
  /** SQL values of the row (BLOBs as Buffers). */
  row: Record<string, unknown>;
}

export class ChangeCapture {
  private readonly watched = new Map<string, TableSchema>();

  constructor(private readonly db: Db) {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS __tb_changes (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, rid INTEGER NOT NULL, old TEXT)');
  }

  watch(schema: TableSchema): void {
    if (this.watched.has(schema.name)) return;
    const t = schema.name.replace(/"/g, '""');
    const name = (op: string): string => `"__tb_capture_${t}_${op}"`;
    const oldJson = `json_object(${schema.columns.map((c) => `'${c.name}', __tb_json_value(OLD."${c.name}")`).join(', ')})`;
    this.db.exec(`
      CREATE TEMP TRIGGER ${name('insert')} AFTER INSERT ON main."${t}" BEGIN
        INSERT INTO __tb_changes (tbl, op, rid) VALUES ('${t}', 'Insert', NEW._rowid_); END;
      CREATE TEMP TRIGGER ${name('update')} AFTER UPDATE ON main."${t}" BEGIN
        INSERT INTO __tb_changes (tbl, op, rid) VALUES ('${t}', 'Update', NEW._rowid_); END;
      CREATE TEMP TRIGGER ${name('delete')} AFTER DELETE ON main."${t}" BEGIN
        INSERT INTO __tb_changes (tbl, op, rid, old) VALUES ('${t}', 'Delete', OLD._rowid_, ${oldJson}); END;`);
    this.watched.set(schema.name, schema);
  }

  unwatch(table: string): void {
    if (!this.watched.delete(table)) return;
    for (const op of ['insert', 'update', 'delete']) this.db.exec(`DROP TRIGGER IF EXISTS temp."__tb_capture_${table.replace(/"/g, '""')}_${op}"`);
  }

  /** Drains the log. Several writes to one row in a commit (e.g. the updated_at trigger's nested
   *  UPDATE) become one event; a row inserted or updated and then deleted yields only the delete. */
  drain(): Change[] {
    if (this.watched.size === 0 || this.db.inTransaction) return [];
    const log = this.db.prepare('SELECT tbl, op, rid, old FROM __tb_changes ORDER BY seq').all() as {
      tbl: string; op: Change['kind']; rid: number; old: string | null;
    }[];
    if (log.length === 0) return [];
    this.db.prepare('DELETE FROM __tb_changes').run();
    const events: (Change & { rid: number })[] = [];
    const live = new Map<string, Change & { rid: number }>();
    for (const entry of log) {
      const schema = this.watched.get(entry.tbl);
      if (!schema) continue;
      const key = `${entry.tbl}\u0000${entry.rid}`;
      if (entry.op === 'Delete') {
        const pending = live.get(key);
        if (pending) events.splice(events.indexOf(pending), 1);
        live.delete(key);
        events.push({ table: entry.tbl, kind: 'Delete', rid: entry.rid, row: fromJsonRow(schema, entry.old) });
      } else if (!live.has(key)) {
        const ev = { table: entry.tbl, kind: entry.op, rid: entry.rid, row: {} };
        live.set(key, ev);
        events.push(ev);
      }
    }
    return events.flatMap((ev) => {
      if (ev.kind === 'Delete') return [ev];
      const row = this.db.prepare(`SELECT * FROM "${ev.table.replace(/"/g, '""')}" WHERE _rowid_ = ?`).safeIntegers(true).get(ev.rid) as Record<string, unknown> | undefined;
      return row ? [{ ...ev, row }] : [];
    });
  }
}

function fromJsonRow(schema: TableSchema, json: string | null): Record<string, unknown> {
  const parsed = parseJson(json ?? '{}') as Record<string, unknown>;
  for (const c of schema.columns) {
    const v = parsed[c.name];
    if (c.type === 'BLOB' && typeof v === 'string') parsed[c.name] = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  return parsed;
}
