// One configured record API: its config, its table's schema, and the ACL-then-rule check TrailBase
// runs before every operation (check_record_level_access).
import type { Db } from './db';
import { apiRequiresTable, forbidden } from './errors';
import type { Permission, RecordApiConfig } from './config';
import { loadTableSchema, type ColumnInfo, type TableSchema } from './schema';
import {
  createAccessQuery, evaluateRule, readDeleteAccessQuery, requestParams, subscriptionReadQuery, updateAccessQuery,
} from './rules';
import type { SqlValue } from './values';

export interface User {
  id: Buffer;
  email: string | null;
}

export class RecordApi {
  readonly schema: TableSchema;
  private readonly queries: Partial<Record<'create' | 'read' | 'update' | 'delete' | 'subscription', string>> = {};

  constructor(private readonly db: Db, readonly config: RecordApiConfig) {
    this.schema = loadTableSchema(db, config.tableName);
    const { rules } = config;
    if (rules.read) {
      this.queries.read = readDeleteAccessQuery(this.schema, rules.read);
      if (this.schema.isTable) this.queries.subscription = subscriptionReadQuery(this.schema, rules.read);
    }
    if (rules.delete) this.queries.delete = readDeleteAccessQuery(this.schema, rules.delete);
    if (rules.create && this.schema.isTable) this.queries.create = createAccessQuery(this.schema, rules.create);
    if (rules.update && this.schema.isTable) this.queries.update = updateAccessQuery(this.schema, rules.update);
    // Fail at start, as TrailBase does, when a rule is not valid SQL for this table.
    for (const sql of Object.values(this.queries)) db.prepare(sql);
  }

  get name(): string {
    return this.config.name;
  }

  checkTableLevel(p: Permission, user: User | undefined): void {
    if ((user && this.config.aclAuthenticated.has(p)) || this.config.aclWorld.has(p)) return;
    throw forbidden();
  }

  /** ACL, then the rule (if any) with the record id and/or request values bound. */
  checkAccess(p: 'CREATE' | 'READ' | 'UPDATE' | 'DELETE', user: User | undefined, recordId?: SqlValue,
    request?: Map<ColumnInfo, SqlValue>): void {
    this.checkTableLevel(p, user);
    const sql = this.queries[p.toLowerCase() as 'create' | 'read' | 'update' | 'delete'];
    if (!sql) return;
    if ((p === 'CREATE' || p === 'UPDATE') && !this.schema.isTable) throw apiRequiresTable();
    const params = request ? requestParams(this.schema, request) : {};
    params.__user_id = user?.id ?? null;
    params.__record_id = recordId ?? null;
    if (!evaluateRule(this.db, sql, params)) throw forbidden();
  }

  /** Read rule against a changed record's values, for subscription events. */
  canSeeChange(user: User | undefined, row: Record<string, SqlValue>): boolean {
    try {
      this.checkTableLevel('READ', user);
    } catch {
      return false;
    }
    if (!this.queries.subscription) return true;
    const params: Record<string, SqlValue> = { __user_id: user?.id ?? null };
    for (const c of this.schema.columns) params[c.placeholder] = row[c.name] ?? null;
    return evaluateRule(this.db, this.queries.subscription, params);
  }
}
