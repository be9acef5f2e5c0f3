// Shared setup for conformance tests: the local server process (through the harness), users, and
// signed-in official `trailbase` clients.
import { initClient, type Client } from 'trailbase';
import { randomBytes } from 'node:crypto';
import type { TestServer } from '../server/harness';

export const PASSWORD = 'correct-horse-battery';

let counter = 0;
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}@example.com`;
}

export interface SignedIn {
  client: Client;
  id: string;
  email: string;
}

export async function signedInUser(server: TestServer, prefix: string): Promise<SignedIn> {
  const email = uniqueEmail(prefix);
  const { id } = await server.createVerifiedUser(email, PASSWORD);
  const client = initClient(server.url);
  await client.login(email, PASSWORD);
  return { client, id, email };
}

let lastMs = 0;
let seq = 0;
/** A UUIDv7 as url-safe padded base64, the way a client generates record ids; ids from one process
 *  sort in creation order (12-bit counter within a millisecond). */
export function clientId(): string {
  const now = Date.now();
  if (now > lastMs) [lastMs, seq] = [now, 0];
  else if (++seq > 0xfff) [lastMs, seq] = [lastMs + 1, 0];
  const b = randomBytes(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export interface Team {
  id: string;
  invite_code: string;
}

export async function createTeam(owner: SignedIn, name = 'Team'): Promise<Team> {
  const id = await owner.client.records('teams').create({ name });
  return (await owner.client.records('teams').read(id)) as unknown as Team;
}

export async function join(member: SignedIn, team: Team): Promise<void> {
  await member.client.records('join_requests').create({ invite_code: team.invite_code });
}

export function sessionRecord(team: Team, user: SignedIn, n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const start = new Date(Date.UTC(2026, 0, 1, 9, n));
  return {
    id: clientId(),
    team: team.id,
    user: user.id,
    local_session_id: `local-${n}-${randomBytes(4).toString('hex')}`,
    start_time: start.toISOString(),
    end_time: new Date(start.getTime() + 25 * 60_000).toISOString(),
    planned_duration_minutes: 25,
    actual_duration_seconds: 1500,
    completed: true,
    last_modified: start.toISOString(),
    ...extra,
  };
}

/** Raw HTTP against the server with an optional bearer token, for what the client cannot send. */
export async function raw(server: TestServer, path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

export function token(u: SignedIn): string {
  const t = u.client.tokens()?.auth_token;
  if (!t) throw new Error('not signed in');
  return t;
}
