// A restart keeps data, signing keys and sessions (as TrailBase keeps its depot) but kills list
// cursors, whose key is generated at each start, and open subscription streams.
import assert from 'node:assert/strict';
import { FetchError } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { createTeam, sessionRecord, signedInUser, type SignedIn, type Team } from './helpers';

describe('conformance: server restart', function () {
  let server: TestServer;
  let alice: SignedIn;
  let team: Team;
  before(async () => {
    server = await startTestServer();
    alice = await signedInUser(server, 'alice');
    team = await createTeam(alice, 'Restart');
    await alice.client.records('shared_sessions').createBulk(Array.from({ length: 10 }, (_, i) => sessionRecord(team, alice, i)));
  });
  after(async () => server.stop());

  it('cursors from before a restart are rejected (400) while data, tokens and sessions survive', async () => {
    const api = alice.client.records('shared_sessions');
    const page = await api.list({ pagination: { limit: 4 } });
    assert.ok(page.cursor);
    const before = await api.list({ pagination: { limit: 4, cursor: page.cursor } });
    assert.equal(before.records.length, 4, 'the cursor works before the restart');

    const stream = await api.subscribeAll();
    const reader = stream.getReader();
    const oldUrl = server.url;
    await server.restart();
    assert.equal(server.url, oldUrl, 'same port');

    await assert.rejects(api.list({ pagination: { limit: 4, cursor: page.cursor } }), (e: unknown) => e instanceof FetchError && e.status === 400);
    const all = await api.list({ count: true });
    assert.equal(all.total_count, 10, 'the same auth token still reads everything');
    await alice.client.refreshAuthToken({ force: true });
    assert.ok(alice.client.tokens(), 'the refresh token survived too');
    const ended = await Promise.race([reader.read().then((r) => r.done, () => true), new Promise((r) => setTimeout(() => r('open'), 2000))]);
    assert.equal(ended, true, 'the subscription stream ended with the old process');
  });
});
