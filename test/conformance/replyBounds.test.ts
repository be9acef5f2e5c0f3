// The documented bounds on what the client reads, with the shipped defaults, over real loopback HTTP.
import assert from 'node:assert/strict';
import { uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import { MAX_REPLY_BYTES, ServerError, TrailBaseClient } from '../../src/core/trailbase';
import { remoteTeamSchema } from '../../src/core/models/team';
import { fakeJwt, HostileServer } from '../support/hostileServer';
import { MemoryTokenStore } from '../support/memoryTokenStore';

describe('reply bounds (shipped defaults)', function () {
  this.timeout(60_000);
  let server: HostileServer;
  let client: TrailBaseClient;
  before(async () => {
    server = await HostileServer.start();
    client = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger, retry: { retries: 0 } });
    const exp = Math.floor(Date.now() / 1000) + 3600;
    server.respond(() => ({ status: 200, body: JSON.stringify({ auth_token: fakeJwt({ sub: uuidToBase64(uuidv7()), exp }), refresh_token: 'r' }) }));
    await client.login('ana@example.com', 'correct horse battery');
  });
  after(async () => {
    client?.dispose();
    await server?.stop();
  });

  const team = () => ({ id: uuidToBase64(uuidv7()), name: 'T', invite_code: 'ABCDEFGH', created_by: uuidToBase64(uuidv7()), created_at: 1, updated_at: 2 });

  it(`is 32 MB: a reply over ${MAX_REPLY_BYTES} bytes is refused before it is parsed, naming the server and the bound`, async () => {
    assert.equal(MAX_REPLY_BYTES, 32 * 1024 * 1024);
    const page = JSON.stringify({ records: [team()], padding: 'x'.repeat(MAX_REPLY_BYTES) });
    server.respond(() => ({ status: 200, body: page }));
    const err = await client.records('teams', remoteTeamSchema).list().catch((e: unknown) => e);
    assert.ok(err instanceof ServerError, String(err));
    assert.equal(err.code, 'reply-too-large');
    assert.ok(err.message.includes(server.host) && err.message.includes('32 MB') && err.message.includes('listing teams'), err.message);
  });

  it('a reply just under the bound is read', async () => {
    const records = [team()];
    const body = JSON.stringify({ records, padding: 'x'.repeat(MAX_REPLY_BYTES - 1_000) });
    server.respond(() => ({ status: 200, body }));
    assert.deepEqual((await client.records('teams', remoteTeamSchema).list()).records, records);
  });

  it('a body streamed past the bound without a Content-Length is cut off and refused', async () => {
    server.respond(() => ({
      status: 200,
      stream: (res) => {
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const more = () => {
          while (sent < 40 && res.write(chunk)) sent++;
          if (sent < 40 && !res.destroyed) res.once('drain', () => (sent++, more()));
          else res.end();
        };
        res.on('error', () => undefined);
        more();
      },
      headers: { 'content-type': 'application/json' },
    }));
    const err = await client.records('teams', remoteTeamSchema).list().catch((e: unknown) => e);
    assert.ok(err instanceof ServerError && err.code === 'reply-too-large', String(err));
  });

  it('a list page with more records than asked is refused, naming the field', async () => {
    server.respond(() => ({ status: 200, body: JSON.stringify({ records: [team(), team(), team()] }) }));
    const err = await client.records('teams', remoteTeamSchema).list({ limit: 2 }).catch((e: unknown) => e);
    assert.ok(err instanceof ServerError, String(err));
    assert.equal(err.field, 'records');
    assert.match(err.message, /expected at most 2 records, got 3/);
  });
});
