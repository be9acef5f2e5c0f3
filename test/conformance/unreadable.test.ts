// Server records this version of FocusFlow cannot read: skipped without stalling the pull, reported in
// the sync status, and read again by a later version that understands them.
import * as assert from 'assert';
import { z } from 'zod';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { memberDefinition } from '../../src/core/models/member';
import { sharedSessionDefinition } from '../../src/core/models/sharedSession';
import { teamDefinition } from '../../src/core/models/team';
import { EntityRegistry } from '../../src/core/entities/registry';
import { tempDbFile } from '../support/bundleScript';
import { startTestServer, type TestServer } from '../server/harness';
import { completedSessions, createTeam, joinTeam, machine, userAccount, type Machine } from './syncFixtures';
import { shareSession } from '../../src/core/sync/sharing';

/** A later FocusFlow that also reads start times written as plain dates. */
function laterRegistry(): EntityRegistry {
  return new EntityRegistry()
    .register(teamDefinition)
    .register(memberDefinition)
    .register({
      ...sharedSessionDefinition,
      parseRemote(value) {
        const row = value as { start_time?: unknown };
        const start = typeof row.start_time === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(row.start_time) ? `${row.start_time}T00:00:00.000Z` : row.start_time;
        return sharedSessionDefinition.parseRemote({ ...row, start_time: start });
      },
    });
}

describe('sync: server records this version cannot read', function () {
  this.timeout(30_000);
  let server: TestServer;
  const open: Machine[] = [];

  before(async () => (server = await startTestServer()));
  afterEach(async () => {
    for (const m of open.splice(0)) await m.close();
  });
  after(async () => server?.stop());

  it('are skipped without stalling the pull, reported, counted once, and read again by a later version', async () => {
    const alice = await userAccount(server, 'alice-unreadable');
    const bob = await userAccount(server, 'bob-unreadable');
    const a = await machine(server, alice.email, undefined);
    open.push(a);
    const team = await createTeam(a.connection.client!, 'Unreadable team');
    await a.connection.setActiveTeam(team.id);
    // A record a newer client might write: the server accepts any text, this version wants a full ISO time.
    const oddId = uuidv7();
    await a.connection.client!.records('shared_sessions', z.unknown()).create({
      id: uuidToBase64(oddId),
      team: team.id,
      user: a.userId,
      local_session_id: 'from-a-newer-client',
      start_time: '2026-04-01',
      end_time: null,
      planned_duration_minutes: 25,
      actual_duration_seconds: null,
      completed: 0,
      last_modified: '2026-04-01T09:00:00.000Z',
      deleted: 0,
    });
    // Written after it, so a pull that stopped at the bad record would never get here.
    const [sessionId] = await completedSessions(a.store, 1);
    const readable = await shareSession(a.sharing, { sessionId, teamId: team.id, userId: a.userId });
    await a.engine.sync('test');

    const bobFile = tempDbFile();
    const b1 = await machine(server, bob.email, undefined, { file: bobFile, reader: '1.0.0' });
    open.push(b1);
    await joinTeam(b1.connection.client!, team.inviteCode);
    await b1.connection.setActiveTeam(team.id);
    await b1.engine.sync('test');
    const ids = () => b1.store.read((db) => db.all<{ id: string }>('SELECT id FROM shared_sessions ORDER BY id').map((r) => r.id));
    assert.deepStrictEqual(ids(), [readable.localId], 'the readable session arrived, the other was skipped');
    const reported = b1.engine.status().unreadable;
    assert.strictEqual(reported?.count, 1);
    assert.match(reported.reason, /start_time/, 'the reason names the field');
    await b1.engine.sync('test');
    assert.strictEqual(b1.engine.status().unreadable?.count, 1, 'a second pull neither re-reads nor counts it again');
    await b1.close();
    open.splice(open.indexOf(b1), 1);

    // The same database under the next version, which reads such start times. Its first pull is cut
    // short by the server going away: the re-read must survive that.
    await server.setFaults({ errorRate: 1, errorStatus: 503, paths: '^/api/records/v1/shared_sessions' });
    const b2 = await machine(server, bob.email, team.id, { file: bobFile, reader: '1.1.0', registry: laterRegistry() });
    open.push(b2);
    await server.clearFaults();
    assert.strictEqual(b2.engine.status().unreadable?.count, 1, 'still reported while not read again');
    await b2.engine.sync('test');
    const rows = b2.store.read((db) => db.all<{ id: string; start_time: string }>('SELECT id, start_time FROM shared_sessions ORDER BY id'));
    assert.deepStrictEqual(rows.map((r) => r.id).sort(), [readable.localId, oddId].sort());
    assert.strictEqual(rows.find((r) => r.id === oddId)?.start_time, '2026-04-01T00:00:00.000Z');
    assert.strictEqual(b2.engine.status().unreadable, undefined, 'nothing is left unread');
  });
});
