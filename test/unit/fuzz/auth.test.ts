// Network-boundary fuzz (see boundary.ts): the auth replies. A refused sign-in or refresh changes no
// connection row, stored token or session state.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { systemClock } from '../../../src/core/clock';
import { ConnectionService } from '../../../src/core/team/connection';
import { TrailBaseClient } from '../../../src/core/trailbase';
import { MemoryTokenStore } from '../../support/memoryTokenStore';
import { BOUND, count, dump, idArb, LinesLogger, outcome, params, RUNS, SEED, SCALE, bent, useBoundary } from './boundary';
import type { Json } from './mutate';

describe(`network boundary fuzz: auth (seed ${SEED}, scale ${SCALE})`, function () {
  this.timeout(600_000);
  const b = useBoundary();

  it('sign-in: a refused reply leaves the connection row, the stored tokens and the state as they were', async () => {
    const tokens = new MemoryTokenStore();
    const connections = new ConnectionService({
      store: b.store,
      logger: new LinesLogger(),
      clock: systemClock,
      createClient: (url) => new TrailBaseClient({ serverUrl: url, tokenStore: tokens, logger: new LinesLogger(), retry: { retries: 0 }, maxReplyBytes: BOUND }),
    });
    await fc.assert(
      fc.asyncProperty(idArb, b.mutation, async (sub, m) => {
        count('sign-in');
        b.route = () => bent(b.loginBody(sub) as unknown as Json, m, b.asJwt);
        const before = { row: dump(b.store), tokens: tokens.tokens, state: connections.state };
        const result = await outcome(connections.connect(b.server.url, 'ana@example.com', 'correct horse battery'), b.server.host);
        if (m.kind === 'none') assert.ok(result.ok, `a valid reply is accepted: ${!result.ok && result.error.message}`);
        if (result.ok) {
          assert.match(result.value.userId, /^[A-Za-z0-9_-]{22}==$/);
          assert.equal(connections.state.status, 'connected');
          assert.equal(tokens.tokens?.refreshToken !== undefined, true);
          return;
        }
        assert.equal(dump(b.store), before.row, 'no store change');
        assert.deepEqual(tokens.tokens, before.tokens, 'no token change');
        assert.equal(connections.state, before.state, 'no state change');
        b.route = () => ({ status: 200, body: JSON.stringify(b.asJwt(b.loginBody(sub) as unknown as Json)) });
        assert.equal((await connections.connect(b.server.url, 'ana@example.com', 'correct horse battery')).userId, sub, 'the next good reply works');
      }),
      params(RUNS.signInStored),
    );
    connections.dispose();
  });

  it('sign-in, client alone: a refused reply stores no token and leaves the client signed out', async () => {
    await fc.assert(
      fc.asyncProperty(idArb, b.mutation, async (sub, m) => {
        count('sign-in');
        const tokens = new MemoryTokenStore();
        const client = new TrailBaseClient({ serverUrl: b.server.url, tokenStore: tokens, logger: new LinesLogger(), retry: { retries: 0 }, maxReplyBytes: BOUND });
        b.route = () => bent(b.loginBody(sub) as unknown as Json, m, b.asJwt);
        const result = await outcome(client.login('ana@example.com', 'correct horse battery'), b.server.host);
        if (m.kind === 'none') assert.ok(result.ok, `a valid reply is accepted: ${!result.ok && result.error.message}`);
        if (result.ok) {
          assert.match(result.value.user.id, /^[A-Za-z0-9_-]{22}==$/);
          assert.equal(tokens.tokens?.authToken.split('.').length, 3);
        } else {
          assert.equal(tokens.tokens, undefined, 'no token stored');
          assert.equal(client.authState, undefined, 'still signed out');
        }
        client.dispose();
      }),
      params(RUNS.signIn),
    );
  });

  it('refresh: a refused reply keeps the session and its stored tokens; a token for another user is refused', async () => {
    const tokens = new MemoryTokenStore();
    const client = await b.signedInClient(new LinesLogger(), tokens);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(b.userId), idArb), b.mutation, async (sub, m) => {
        count('refresh');
        const valid = { auth_token: { sub, exp: b.exp + 60, iat: b.exp - 3540 }, csrf_token: 'csrf-2' };
        b.route = () => bent(valid as unknown as Json, m, b.asJwt);
        const before = { tokens: tokens.tokens, state: client.authState };
        const result = await outcome(client.refresh(), b.server.host);
        if (m.kind === 'none' && sub === b.userId) assert.ok(result.ok, `a valid reply is accepted: ${!result.ok && result.error.message}`);
        if (result.ok) {
          assert.equal(result.value.user.id, b.userId, 'the session stays with its user');
          return;
        }
        if (result.error.kind === 'auth' && result.error.code === 'session-expired') {
          // The server refused the refresh token (401): signing out is the answer, as documented.
          assert.equal(tokens.tokens, undefined);
          assert.equal(client.authState, undefined);
          b.route = () => ({ status: 200, body: JSON.stringify(b.asJwt(b.loginBody() as unknown as Json)) });
          await client.login('ana@example.com', 'correct horse battery');
          return;
        }
        assert.deepEqual(tokens.tokens, before.tokens, 'no token change');
        assert.deepEqual(client.authState, before.state, 'no session change');
        b.route = () => ({ status: 200, body: JSON.stringify(b.asJwt({ auth_token: { sub: b.userId, exp: b.exp, iat: b.exp - 3600 } })) });
        assert.equal((await client.refresh()).user.id, b.userId, 'the next good reply works');
      }),
      params(RUNS.refresh),
    );
    client.dispose();
  });

  it('register: any reply is a typed error or a confirmation', async () => {
    const client = new TrailBaseClient({ serverUrl: b.server.url, tokenStore: new MemoryTokenStore(), logger: new LinesLogger(), retry: { retries: 0 }, maxReplyBytes: BOUND });
    await fc.assert(
      fc.asyncProperty(b.mutation, async (m) => {
        count('register');
        b.route = () => bent({ message: 'Verification email sent' }, m);
        const result = await outcome(client.register('ana@example.com', 'correct horse battery'), b.server.host);
        if (m.kind === 'none') assert.ok(result.ok);
        if (result.ok) assert.match(result.value.message, /verification link/);
      }),
      params(RUNS.register),
    );
  });

});
