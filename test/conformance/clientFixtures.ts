// Shared by the client conformance tests (client*.test.ts): a real TrailBaseClient against the
// local TrailBase-compatible server process over loopback, with an in-memory token store (the
// extension's is SecretStorage) and a logger that keeps every line so tests can search it for secrets.
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { Logger } from '../../src/core/logger';
import { TrailBaseClient, type TokenStore, type Tokens, type TrailBaseClientOptions } from '../../src/core/trailbase';
import type { TestServer } from '../server/harness';

export class MemoryTokenStore implements TokenStore {
  saved: Tokens | undefined;
  /** Every token ever stored, so tests can check none of them leaked anywhere. */
  readonly history: Tokens[] = [];
  async load(): Promise<Tokens | undefined> {
    return this.saved;
  }
  async save(tokens: Tokens | undefined): Promise<void> {
    this.saved = tokens;
    if (tokens) this.history.push(tokens);
  }
}

export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  private put = (level: string) => (message: string | Error, ...args: unknown[]) => {
    this.lines.push([level, message instanceof Error ? message.message : message, ...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))].join(' '));
  };
  trace = this.put('trace');
  debug = this.put('debug');
  info = this.put('info');
  warn = this.put('warn');
  error = this.put('error');
}

/** Quick retries so fault tests finish fast; the policy's shape is what is under test, not its scale. */
export const fastRetry = { baseMs: 20, capMs: 200, retries: 10 };

export function newClient(server: TestServer, o: Partial<TrailBaseClientOptions> = {}) {
  const store = (o.tokenStore as MemoryTokenStore | undefined) ?? new MemoryTokenStore();
  const logger = new CapturingLogger();
  const client = new TrailBaseClient({ serverUrl: server.url, tokenStore: store, logger, retry: fastRetry, ...o });
  return { client, store, logger };
}

let userCounter = 0;
export const PASSWORD = 'correct horse battery';

export async function signedInClient(server: TestServer, o: Partial<TrailBaseClientOptions> = {}) {
  const email = `user${++userCounter}-${process.pid}@example.com`;
  const { id } = await server.createVerifiedUser(email, PASSWORD);
  const c = newClient(server, o);
  await c.client.login(email, PASSWORD);
  return { ...c, email, userId: id };
}

export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  invite_code: z.string(),
  created_by: z.string(),
  updated_at: z.number(),
});
export type Team = z.infer<typeof teamSchema>;

export const sharedSessionSchema = z.object({
  id: z.string(),
  team: z.string(),
  user: z.string(),
  local_session_id: z.string(),
  start_time: z.string(),
  planned_duration_minutes: z.number(),
  completed: z.number(),
  deleted: z.number(),
  updated_at: z.number(),
});
export type SharedSession = z.infer<typeof sharedSessionSchema>;

export function count(stats: { requests: Record<string, number> }, key: string): number {
  return stats.requests[key] ?? 0;
}

export const REFRESH = 'POST /api/auth/v1/refresh';

/** No token byte may appear in any of `texts`. */
export function assertNoSecrets(texts: readonly string[], tokens: readonly Tokens[]): void {
  const secrets = tokens.flatMap((t) => [t.authToken, t.refreshToken, ...(t.csrfToken ? [t.csrfToken] : [])]);
  assert.ok(secrets.length > 0, 'there were tokens to look for');
  for (const text of texts) for (const secret of secrets) assert.ok(!text.includes(secret), `a token leaked into: ${text.slice(0, 200)}`);
}

export function errorTexts(e: unknown): string[] {
  if (!(e instanceof Error)) return [String(e)];
  return [e.message, e.stack ?? '', String(e.cause ?? ''), JSON.stringify(e)];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
