import type { SqlJsDb } from './sqlDb';

/** Columns a mask can name: bit i is column i, and JavaScript numbers hold 53 bits exactly. */
const MAX_MASK_COLUMNS = 52;
/** A row whose changed columns are not known (its rowid moved, or its table is too wide): write it whole. */
export const WHOLE_ROW = -1;

const TABLE = 'focusflow_changed_rows';
const MARK = 'focusflow_changed_schema';
const TRIGGER_PREFIX = 'focusflow_changed_on_';

/**
 * Which columns each UPDATE of a write group changed, so that a journal record carries those values
 * and not the whole row. SQLite's update hook names the row but not the columns, and sql.js has no
 * pre-update hook; a TEMP trigger per table sees OLD and NEW and ORs a bit per changed column into a
 * TEMP table. TEMP objects live on this connection only: they are never in an exported image, never
 * replayed, and do not move the main schema's version that the capture watches.
 *
 * An update that moves a row to another rowid is marked `WHOLE_ROW` at its new rowid, and its old rowid
 * is noted as well (the update hook reports only the new one), so the record deletes the old row.
 *
 * The triggers are built from the schema: when its version moves (a migration, a table created in a
 * write), they are built again before the next group. They are created inside the group's transaction,
 * so a group that rolls back takes them and their mark away together, and the next group builds them.
 */
export class ChangedColumns {
  constructor(private readonly db: SqlJsDb) {}

  /** Makes sure the triggers fit the current schema and forgets the last group's changes. */
  begin(): void {
    const schemaVersion = this.db.get<{ schema_version: number }>('PRAGMA schema_version')!.schema_version;
    const marked = this.db.get(`SELECT 1 AS y FROM temp.sqlite_master WHERE type = 'table' AND name = '${MARK}'`);
    if (!marked || this.db.get<{ v: number }>(`SELECT v FROM temp.${MARK}`)?.v !== schemaVersion) this.install(schemaVersion);
    this.db.run(`DELETE FROM temp.${TABLE} WHERE 1`);
  }

  /** The group's updated rows: table → rowid → mask of changed columns (`WHOLE_ROW` when unknown). */
  read(): Map<string, Map<number, number>> {
    const changed = new Map<string, Map<number, number>>();
    for (const [table, rowid, mask] of this.db.allValues(`SELECT tbl, rid, mask FROM temp.${TABLE}`) as [string, number, number][]) {
      let rows = changed.get(table);
      if (!rows) changed.set(table, (rows = new Map()));
      rows.set(rowid, mask);
    }
    return changed;
  }

  /**
   * Drops what the triggers noted outside a group (another window's records applied on this connection),
   * so that a window that only follows does not collect them for ever.
   */
  forget(): void {
    if (this.db.get(`SELECT 1 AS y FROM temp.sqlite_master WHERE type = 'table' AND name = '${TABLE}'`)) this.db.run(`DELETE FROM temp.${TABLE} WHERE 1`);
  }

  private install(schemaVersion: number): void {
    const db = this.db;
    for (const { name } of db.all<{ name: string }>(`SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE '${TRIGGER_PREFIX}%'`)) {
      db.exec(`DROP TRIGGER temp.${quote(name)}`);
    }
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${TABLE} (tbl TEXT NOT NULL, rid INTEGER NOT NULL, mask INTEGER NOT NULL, PRIMARY KEY (tbl, rid));
      CREATE TEMP TABLE IF NOT EXISTS ${MARK} (v INTEGER NOT NULL)`);
    const tables = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
    for (const { name } of tables) {
      const columns = declaredColumns(db, name);
      const bits =
        columns.length > MAX_MASK_COLUMNS ? String(WHOLE_ROW) : columns.map((c, i) => `((OLD.${quote(c)} IS NOT NEW.${quote(c)}) << ${i})`).join(' | ') || '0';
      const table = literal(name);
      db.exec(`CREATE TEMP TRIGGER ${quote(TRIGGER_PREFIX + name)} AFTER UPDATE ON main.${quote(name)} BEGIN
        INSERT INTO ${TABLE} (tbl, rid, mask) VALUES (${table}, NEW.rowid, CASE WHEN OLD.rowid IS NEW.rowid THEN ${bits} ELSE ${WHOLE_ROW} END)
          ON CONFLICT (tbl, rid) DO UPDATE SET mask = mask | excluded.mask;
        INSERT INTO ${TABLE} (tbl, rid, mask) SELECT ${table}, OLD.rowid, ${WHOLE_ROW} WHERE OLD.rowid IS NOT NEW.rowid
          ON CONFLICT (tbl, rid) DO UPDATE SET mask = ${WHOLE_ROW};
      END`);
    }
    db.run(`DELETE FROM temp.${MARK} WHERE 1`);
    db.run(`INSERT INTO temp.${MARK} (v) VALUES (?)`, [schemaVersion]);
  }
}

/** A table's columns as `SELECT *` lists them: the order of a record's values and of a mask's bits. */
export function declaredColumns(db: SqlJsDb, table: string): string[] {
  const stmt = db.raw.prepare(`SELECT * FROM ${quote(table)} LIMIT 0`);
  try {
    return stmt.getColumnNames();
  } finally {
    stmt.free();
  }
}

/** The positions of the columns a mask names among `count`, in declared order. */
export function maskedColumns(count: number, mask: number): number[] {
  const picked: number[] = [];
  for (let i = 0, bit = 1; i < count && bit <= mask; i++, bit *= 2) if (Math.floor(mask / bit) % 2 === 1) picked.push(i);
  return picked;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
