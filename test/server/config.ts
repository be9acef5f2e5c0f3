// Reads the record API part of TrailBase's config.textproto (proto/config.proto, RecordApiConfig)
// into plain objects, rejecting what this server does not implement rather than ignoring it.
import { readFileSync } from 'node:fs';
import { parseTextproto, type TextprotoMessage, type TextprotoValue } from './textproto';

export type Permission = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | 'SCHEMA';
export type ConflictResolution = 'UNDEFINED' | 'ABORT' | 'IGNORE' | 'REPLACE';

export interface RecordApiConfig {
  name: string;
  tableName: string;
  aclWorld: Set<Permission>;
  aclAuthenticated: Set<Permission>;
  rules: Partial<Record<'create' | 'read' | 'update' | 'delete' | 'schema', string>>;
  conflictResolution: ConflictResolution;
  autofillMissingUserIdColumns: boolean;
  enableSubscriptions: boolean;
  excludedColumns: string[];
  listingHardLimit?: number;
}

export interface ServerConfig {
  enableRecordTransactions: boolean;
  requestSizeLimitBytes: number;
  recordApis: RecordApiConfig[];
}

const PERMISSIONS: Permission[] = ['CREATE', 'READ', 'UPDATE', 'DELETE', 'SCHEMA'];
const CONFLICTS: ConflictResolution[] = ['UNDEFINED', 'ABORT', 'IGNORE', 'REPLACE'];
const SUPPORTED_API_FIELDS = new Set([
  'name', 'table_name', 'acl_world', 'acl_authenticated', 'create_access_rule', 'read_access_rule',
  'update_access_rule', 'delete_access_rule', 'schema_access_rule', 'conflict_resolution',
  'autofill_missing_user_id_columns', 'enable_subscriptions', 'excluded_columns', 'listing_hard_limit',
]);

export function loadServerConfig(file: string): ServerConfig {
  return configFromMessage(parseTextproto(readFileSync(file, 'utf8')));
}

export function configFromMessage(root: TextprotoMessage): ServerConfig {
  const server = one(root, 'server');
  const serverMsg = typeof server === 'object' ? server : {};
  return {
    enableRecordTransactions: one(serverMsg, 'enable_record_transactions') === true,
    requestSizeLimitBytes: Number(one(serverMsg, 'request_size_limit_bytes') ?? 10 * 1024 * 1024),
    recordApis: (root.record_apis ?? []).map((v) => recordApi(asMessage(v, 'record_apis'))),
  };
}

function recordApi(m: TextprotoMessage): RecordApiConfig {
  for (const field of Object.keys(m)) {
    if (!SUPPORTED_API_FIELDS.has(field)) throw new Error(`config: record_apis.${field} is not supported by this server`);
  }
  const name = str(one(m, 'name'), 'name');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`config: invalid record API name '${name}'`);
  const rule = (f: string): string | undefined => {
    const v = one(m, f);
    return v === undefined ? undefined : str(v, f);
  };
  const conflict = (one(m, 'conflict_resolution') ?? 'UNDEFINED') as ConflictResolution;
  if (!CONFLICTS.includes(conflict)) throw new Error(`config: unknown conflict_resolution ${String(conflict)}`);
  const hardLimit = one(m, 'listing_hard_limit');
  return {
    name,
    tableName: str(one(m, 'table_name') ?? name, 'table_name'),
    aclWorld: acl(m.acl_world),
    aclAuthenticated: acl(m.acl_authenticated),
    rules: {
      create: rule('create_access_rule'),
      read: rule('read_access_rule'),
      update: rule('update_access_rule'),
      delete: rule('delete_access_rule'),
      schema: rule('schema_access_rule'),
    },
    conflictResolution: conflict,
    autofillMissingUserIdColumns: one(m, 'autofill_missing_user_id_columns') === true,
    enableSubscriptions: one(m, 'enable_subscriptions') === true,
    excludedColumns: (m.excluded_columns ?? []).map((v) => str(v, 'excluded_columns')),
    listingHardLimit: hardLimit === undefined ? undefined : Number(hardLimit),
  };
}

function acl(values: TextprotoValue[] | undefined): Set<Permission> {
  const set = new Set<Permission>();
  for (const v of values ?? []) {
    if (!PERMISSIONS.includes(v as Permission)) throw new Error(`config: unknown permission ${String(v)}`);
    set.add(v as Permission);
  }
  return set;
}

function one(m: TextprotoMessage, field: string): TextprotoValue | undefined {
  const values = m[field];
  return values?.[values.length - 1];
}

function str(v: TextprotoValue | undefined, field: string): string {
  if (typeof v !== 'string') throw new Error(`config: ${field} must be a string`);
  return v;
}

function asMessage(v: TextprotoValue, field: string): TextprotoMessage {
  if (typeof v !== 'object') throw new Error(`config: ${field} must be a message`);
  return v;
}
