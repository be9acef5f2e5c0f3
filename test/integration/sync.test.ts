// Sharing and sync in a real VS Code host against the local TrailBase-compatible server: the sync
// indicator in the status bar goes pending → syncing → up to date after a share, and to failed when
// the server refuses one; the commands return plain results and the database file shows the outcome.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { z } from 'zod';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import type { QueueStats } from '../../src/core/sync/queue';
import { TrailBaseClient } from '../../src/core/trailbase';
import type { FocusFlowApi } from '../../src/extension';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';
import { activateExtension, readDb, waitFor } from './helpers';
import { MemoryTokenStore } from '../support/memoryTokenStore';

const PASSWORD = 'focusflow-sync-it-password';

async function signedIn(server: TestServer, email: string): Promise<TrailBaseClient> {
  const client = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger });
  await client.login(email, PASSWORD);
  return client;
}

async function newTeam(client: TrailBaseClient): Promise<string> {
  return client.records('teams', z.unknown()).create({ id: uuidToBase64(uuidv7()), name: 'Sync IT', created_by: client.user?.id });
}

const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

/** Whether `texts` holds `wanted` in this order (other texts may come between). */
function inOrder(texts: readonly string[], wanted: readonly string[]): boolean {
  let at = 0;
  for (const t of texts) if (t === wanted[at]) at++;
  return at === wanted.length;
}

describe('Sharing and sync in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: FocusFlowApi;
  const clients: TrailBaseClient[] = [];
  const indicator = () => api.syncIndicator();
  const stamp = `${Date.now()}`;

  before(async () => {
    ({ api } = await activateExtension());
    assert.ok(api.syncIndicator(), 'the extension exposes its sync indicator');
    server = await startTestServer();
    await command('focusflow.disconnectTeam', { force: true });
  });

  after(async () => {
    await command('focusflow.disconnectTeam', { force: true });
    for (const c of clients) c.dispose();
    await server?.stop();
  });

  async function completedFocusSession(): Promise<string> {
    const started = await command<{ id: string }>('focusflow.startFocus', { minutes: 1 });
    assert.ok(started?.id, 'a focus session started');
    await command('focusflow.stopFocus');
    return started.id;
  }

  it('is hidden until connected; after a share it shows pending, syncing, then up to date', async () => {
    assert.strictEqual(indicator()?.text, undefined, 'hidden while not connected');
    const email = `it-sync-${stamp}@example.com`;
    await server.createVerifiedUser(email, PASSWORD);
    await command('focusflow.connectTeam', { serverUrl: server.url, credentials: { email, password: PASSWORD } });
    const owner = await signedIn(server, email);
    clients.push(owner);
    const teamId = await newTeam(owner);
    await waitFor('the indicator after connecting', () => indicator()?.text === '$(check) Synced', { timeoutMs: 15_000 });

    const sessionId = await completedFocusSession();
    const before = indicator()!.history.length;
    const sharedId = await command<string>('focusflow.shareSession', { sessionId, teamId });
    assert.ok(sharedId, 'shareSession returned the shared session id');
    await waitFor('pending → syncing → up to date', () => inOrder(indicator()!.history.slice(before), ['$(cloud-upload) 1', '$(sync~spin) Syncing', '$(check) Synced']), {
      timeoutMs: 20_000,
    });
    // A later run (a teammate's live change, the timer) may start at any moment; the indicator settles back.
    await waitFor('up to date at rest', () => indicator()?.text === '$(check) Synced', { timeoutMs: 15_000 });

    const row = await waitFor('the synced row on disk', () =>
      readDb(api.dbUri, (db) => db.get<{ sync_status: string; remote_session_id: string | null }>('SELECT sync_status, remote_session_id FROM shared_sessions WHERE id = ?', [sharedId])).then(
        (r) => r?.sync_status === 'synced' && r,
      ),
    );
    assert.strictEqual(row.remote_session_id, uuidToBase64(sharedId));
    const onServer = await owner.records('shared_sessions', z.object({ local_session_id: z.string(), deleted: z.number() })).read(uuidToBase64(sharedId));
    assert.deepStrictEqual(onServer, { ...onServer, local_session_id: sessionId, deleted: 0 });

    assert.deepStrictEqual(await command('focusflow.syncNow', {}), { synced: 0, failed: 0, pending: 0 });
    const stats = await command<QueueStats>('focusflow.getSyncStatus', {});
    assert.strictEqual(stats?.pending, 0);
    assert.ok((stats?.synced ?? 0) >= 1 && typeof stats?.lastSyncAt === 'number', `stats after a sync: ${JSON.stringify(stats)}`);
  });

  it('shows offline while the server drops connections and recovers by itself; follows the status bar mode', async () => {
    const sessionId = await completedFocusSession();
    const teamId = await newTeam(clients[0]);
    await server.setFaults({ dropBeforeCommit: 1, paths: '^/api/records' });
    await command('focusflow.shareSession', { sessionId, teamId });
    try {
      const result = await command<{ synced: number; failed: number; pending: number }>('focusflow.syncNow', {});
      assert.deepStrictEqual(result, { synced: 0, failed: 0, pending: 1 }, 'offline: nothing charged, nothing lost');
      await waitFor('the offline indicator', () => indicator()?.text === '$(debug-disconnect) Offline');
    } finally {
      await server.clearFaults();
    }
    await waitFor('back online by itself', () => indicator()?.text === '$(check) Synced', { timeoutMs: 20_000 });

    const config = vscode.workspace.getConfiguration('focusflow');
    try {
      await config.update('statusBar.mode', 'icon', vscode.ConfigurationTarget.Global);
      await waitFor('icon only', () => indicator()?.text === '$(check)');
      await config.update('statusBar.mode', 'hidden', vscode.ConfigurationTarget.Global);
      await waitFor('hidden', () => indicator()?.text === undefined);
    } finally {
      await config.update('statusBar.mode', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('full again', () => indicator()?.text === '$(check) Synced');
  });

  it('turns to failed with the server\'s reason when the server refuses a share, and clears on request', async () => {
    const stranger = `it-sync-stranger-${stamp}@example.com`;
    await server.createVerifiedUser(stranger, PASSWORD);
    const other = await signedIn(server, stranger);
    clients.push(other);
    const foreignTeam = await newTeam(other);

    const sessionId = await completedFocusSession();
    await command<string>('focusflow.shareSession', { sessionId, teamId: foreignTeam });
    const result = await command<{ synced: number; failed: number; pending: number }>('focusflow.syncNow', {});
    assert.deepStrictEqual(result, { synced: 0, failed: 1, pending: 0 });
    await waitFor('the failed indicator', () => indicator()?.text === '$(warning) 1 failed');
    const stats = await command<QueueStats>('focusflow.getSyncStatus', {});
    assert.match(stats?.lastError ?? '', /not allowed/);

    assert.strictEqual(await command('focusflow.clearFailedSyncs', { confirm: true }), 1);
    await waitFor('up to date again', () => indicator()?.text === '$(check) Synced');
  });

  it("says whose sign-in another account's queued share waits for, in the tooltip and in Show Sync Status", async () => {
    const config = vscode.workspace.getConfiguration('focusflow');
    // Only on request: the share must still be queued when the account changes.
    await config.update('sync.intervalSeconds', 0, vscode.ConfigurationTarget.Global);
    const first = `it-sync-held-a-${stamp}@example.com`;
    const second = `it-sync-held-b-${stamp}@example.com`;
    await server.createVerifiedUser(first, PASSWORD);
    await server.createVerifiedUser(second, PASSWORD);
    const connect = (email: string) => command('focusflow.connectTeam', { serverUrl: server.url, credentials: { email, password: PASSWORD } });
    try {
      await connect(first);
      const owner = await signedIn(server, first);
      clients.push(owner);
      const teamId = await newTeam(owner);
      await command('focusflow.syncNow', {});
      const sessionId = await completedFocusSession();
      assert.ok(await command<string>('focusflow.shareSession', { sessionId, teamId }));

      await connect(second);
      const stats = await command<QueueStats>('focusflow.getSyncStatus', {});
      assert.strictEqual(stats?.held, 1);
      assert.deepStrictEqual(stats?.heldFor.map((h) => [h.email, h.count]), [[first, 1]]);
      const host = new URL(server.url).host;
      const tooltip = await waitFor('the tooltip naming the account', () => {
        const t = indicator()?.tooltip;
        return t?.includes(first) && t;
      });
      assert.ok(tooltip.includes(`Queue: 0 pending, 1 waiting for ${first}, 0 failed`), tooltip);
      assert.ok(tooltip.includes(`1 change waits for ${first} to sign in to ${host} again`), tooltip);
      // The run that connecting started ends "Synced", not "1" pending: the other account's share is not this one's.
      await waitFor('Synced as the second account', () => indicator()?.text === '$(check) Synced', { timeoutMs: 10_000 });

      // Back as the first account, the share goes out.
      await connect(first);
      await command('focusflow.syncNow', {});
      const after = await command<QueueStats>('focusflow.getSyncStatus', {});
      assert.deepStrictEqual([after?.pending, after?.held, after?.failed], [0, 0, 0]);
    } finally {
      await config.update('sync.intervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
