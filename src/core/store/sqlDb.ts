import type { BindParams, Database, Statement } from 'sql.js';

export type SqlParam = string | number | null | Uint8Array;
export type SqlParams = readonly SqlParam[] | Record<string, SqlParam>;

/** The narrow SQL surface the rest of the core uses, so nothing depends on sql.js directly. */
export interface SqlDb {
  /** Runs one statement; returns the number of rows it changed. */
  run(sql: string, params?: SqlParams): number;
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): T | undefined;
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[];
  /** Runs several statements without parameters. */
  exec(sql: string): void;
}

/**
 * A sql.js connection behind `SqlDb`. Prepared statements are cached per SQL text because the same
 * few queries run on every repaint; the cache dies with the connection on reload.
 */
export class SqlJsDb implements SqlDb {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly raw: Database) {
    // sql.js keeps the database file in memory and the store persists it by exporting, so a journal in
    // that in-memory file only copies every changed page once more through JavaScript. SQLite's own
    // memory journal rolls back transactions and savepoints the same way at a fraction of the cost.
    raw.exec('PRAGMA journal_mode = MEMORY');
  }

  run(sql: string, params?: SqlParams): number {
    const stmt = this.prepare(sql);
    try {
      stmt.run(params as BindParams);
    } finally {
      stmt.reset();
    }
    return this.raw.getRowsModified();
  }

  get<T>(sql: string, params?: SqlParams): T | undefined {
    const stmt = this.prepare(sql);
    try {
      if (params) stmt.bind(params as BindParams);
      return stmt.step() ? (rowObject(stmt, stmt.getColumnNames()) as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  /** The first row's values in column order, without naming them (replay compares thousands of rows). */
  values(sql: string, params?: SqlParams): SqlParam[] | undefined {
    const stmt = this.prepare(sql);
    try {
      if (params) stmt.bind(params as BindParams);
      return stmt.step() ? (stmt.get() as SqlParam[]) : undefined;
    } finally {
      stmt.reset();
    }
  }

  /** Every row's values in column order, without naming them. */
  allValues(sql: string, params?: SqlParams): SqlParam[][] {
    const stmt = this.prepare(sql);
    const rows: SqlParam[][] = [];
    try {
      if (params) stmt.bind(params as BindParams);
      while (stmt.step()) rows.push(stmt.get() as SqlParam[]);
    } finally {
      stmt.reset();
    }
    return rows;
  }

  all<T>(sql: string, params?: SqlParams): T[] {
    const stmt = this.prepare(sql);
    const rows: T[] = [];
    try {
      if (params) stmt.bind(params as BindParams);
      const names = stmt.getColumnNames();
      while (stmt.step()) rows.push(rowObject(stmt, names) as T);
    } finally {
      stmt.reset();
    }
    return rows;
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  close(): void {
    for (const stmt of this.statements.values()) stmt.free();
    this.statements.clear();
    this.raw.close();
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** The current row keyed by column name. sql.js's getAsObject asks for the names again on every row,
 *  which doubles the cost of reading thousands of rows (a sync push reads its whole queue). */
function rowObject(stmt: Statement, names: readonly string[]): Record<string, unknown> {
  const values = stmt.get();
  const row: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
  return row;
}
