// Realtime subscriptions (SSE) through the official client: Insert/Update/Delete events with seq,
// the read rule applied per event, record subscriptions ending on lost access, filters, 64-event
// buffers reporting loss, and no replay.
import assert from 'node:assert/strict';
import { FetchError } from 'trailbase';
import { startTestServer, type TestServer } from '../server/harness';
import { createTeam, join, raw, sessionRecord, signedInUser, token, type SignedIn, type Team } from './helpers';

type Event = Record<string, unknown> & { seq?: number };
const isStatus = (status: number) => (e: unknown) => e instanceof FetchError && e.status === status;

/** Reads events until `n` arrived or `ms` passed; returns what came. */
async function collect(stream: ReadableStream<unknown>, n: number, ms = 3000): Promise<{ events: Event[]; reader: ReadableStreamDefaultReader<unknown> }> {
  const reader = stream.getReader();
  const events: Event[] = [];
  const deadline = Date.now() + ms;
  while (events.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const next = await Promise.race([reader.read(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), left))]);
    if (next === 'timeout' || next.done) break;
    events.push(next.value as Event);
  }
  return { events, reader };
}

describe('conformance: realtime subscriptions', function () {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let team: Team;
  before(async () => {
    server = await startTestServer();
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => signedInUser(server, n)));
    team = await createTeam(alice, 'Live');
    await join(bob, team);
  });
  after(async () => server.stop());

  it('a teammate\'s table subscription receives Insert, Update and Delete with consecutive seq', async () => {
    const stream = await bob.client.records('shared_sessions').subscribeAll();
    const api = alice.client.records('shared_sessions');
    const record = sessionRecord(team, alice, 1);
    const id = await api.create(record);
    await api.update(id, { completed: false });
    await api.delete(id);
    const { events, reader } = await collect(stream, 3);
    await reader.cancel();
    assert.deepEqual(events.map((e) => Object.keys(e).filter((k) => k !== 'seq')[0]), ['Insert', 'Update', 'Delete']);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3], 'seq 0 went to the opening ping');
    const insert = events[0].Insert as Record<string, unknown>;
    assert.equal(insert.id, record.id);
    assert.equal(insert.local_session_id, record.local_session_id);
    assert.equal((events[1].Update as Record<string, unknown>).completed, 0);
    assert.equal((events[2].Delete as Record<string, unknown>).id, record.id, 'Delete carries the old row');
  });

  it('the read rule filters events: a non-member sees nothing of the team', async () => {
    const stream = await carol.client.records('shared_sessions').subscribeAll();
    await alice.client.records('shared_sessions').create(sessionRecord(team, alice, 2));
    const own = await createTeam(carol, 'Carol');
    const mine = sessionRecord(own, carol, 3);
    await carol.client.records('shared_sessions').create(mine);
    const { events, reader } = await collect(stream, 1);
    await reader.cancel();
    assert.equal((events[0].Insert as Record<string, unknown>).id, mine.id, 'the first event is carol\'s own insert');
  });

  it('a filtered table subscription only gets matching rows', async () => {
    const other = await createTeam(alice, 'Other');
    const stream = await alice.client.records('shared_sessions').subscribeAll({ filters: [{ column: 'team', value: other.id }] });
    await alice.client.records('shared_sessions').create(sessionRecord(team, alice, 4));
    const wanted = sessionRecord(other, alice, 5);
    await alice.client.records('shared_sessions').create(wanted);
    const { events, reader } = await collect(stream, 1);
    await reader.cancel();
    assert.equal((events[0].Insert as Record<string, unknown>).id, wanted.id);
  });

  it('a record subscription follows one record and ends with a Forbidden error once access is lost', async () => {
    const id = String(await alice.client.records('shared_sessions').create(sessionRecord(team, alice, 6)));
    const temp = await signedInUser(server, 'temp');
    await join(temp, team);
    const stream = await temp.client.records('shared_sessions').subscribe(id);
    await alice.client.records('shared_sessions').update(id, { actual_duration_seconds: 100 });
    const members = await alice.client.records('members').list({ filters: [{ column: 'team', value: team.id }, { column: 'user', value: temp.id }] });
    await alice.client.records('members').delete(String((members.records[0] as Record<string, unknown>).id));
    await alice.client.records('shared_sessions').update(id, { actual_duration_seconds: 200 });
    const { events } = await collect(stream, 3);
    assert.equal((events[0].Update as Record<string, unknown>).actual_duration_seconds, 100);
    assert.deepEqual(events[1].Error, { status: 1, message: 'Access denied' });
    assert.equal(events.length, 2, 'the stream ended after the error');
  });

  it('refuses record subscriptions the read rule denies, and APIs without enable_subscriptions (403)', async () => {
    const id = String(await alice.client.records('shared_sessions').create(sessionRecord(team, alice, 7)));
    await assert.rejects(carol.client.records('shared_sessions').subscribe(id), isStatus(403));
    await assert.rejects(alice.client.records('teams').subscribeAll(), isStatus(403));
    await assert.rejects(alice.client.records('no_such_api').subscribeAll(), isStatus(405));
  });

  it('members changes stream too (role changes arrive as Update)', async () => {
    const stream = await bob.client.records('members').subscribeAll();
    const row = await alice.client.records('members').list({ filters: [{ column: 'team', value: team.id }, { column: 'user', value: bob.id }] });
    await alice.client.records('members').update(String((row.records[0] as Record<string, unknown>).id), { role: 'admin' });
    const { events, reader } = await collect(stream, 1);
    await reader.cancel();
    assert.equal((events[0].Update as Record<string, unknown>).role, 'admin');
  });

  it('opens with an immediate ": ping" comment and never replays past events', async () => {
    await alice.client.records('shared_sessions').create(sessionRecord(team, alice, 8));
    const res = await raw(server, '/api/records/v1/shared_sessions/subscribe/*', { token: token(bob) });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.equal(first, ': ping\n\n');
    const next = await Promise.race([reader.read(), new Promise((r) => setTimeout(() => r('quiet'), 500))]);
    assert.equal(next, 'quiet', 'nothing from before the subscription is sent');
    await reader.cancel();
  });

  it('a subscriber that stops reading overflows its 64-event buffer and is told of the loss', async () => {
    const res = await raw(server, '/api/records/v1/shared_sessions/subscribe/*', { token: token(bob) });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the ping; then read nothing while thousands of changes happen
    for (let round = 0; round < 12; round++) {
      const batch = Array.from({ length: 1000 }, (_, i) => sessionRecord(team, alice, 10_000 + round * 1000 + i, { local_session_id: `flood-${round}-${i}-${'x'.repeat(60)}` }));
      await alice.client.records('shared_sessions').createBulk(batch);
    }
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes('"status":2') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    assert.match(text, /data: \{"Error":\{"status":2,"message":null\},"seq":\d+\}/);
  }).timeout(60_000);
});
