import assert from 'node:assert/strict';
import { decodeAuthToken, refreshMarginMs } from '../../../src/core/trailbase/jwt';

function jwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('decodeAuthToken', () => {
  it('reads sub, email, exp and iat of a TrailBase auth token as milliseconds', () => {
    const claims = decodeAuthToken(jwt({ sub: 'AZKxq0pWfOGDrM_ZEwPkWA==', exp: 1_900_000_000, iat: 1_899_996_400, email: 'a@b.c', csrf_token: 'x', type: 1 }));
    assert.deepEqual(claims, { userId: 'AZKxq0pWfOGDrM_ZEwPkWA==', email: 'a@b.c', expiresAt: 1_900_000_000_000, issuedAt: 1_899_996_400_000 });
  });

  it('keeps a null email out of the claims', () => {
    assert.equal(decodeAuthToken(jwt({ sub: 'AZKxq0pWfOGDrM_ZEwPkWA==', exp: 10, email: null }))?.email, undefined);
  });

  for (const [name, token] of [
    ['not three parts', 'abc.def'],
    ['payload not base64 JSON', 'a.%%%.c'],
    ['no exp', jwt({ sub: 'u' })],
    ['exp as text', jwt({ sub: 'u', exp: 'soon' })],
  ] as const) {
    it(`returns undefined for a token with ${name}`, () => {
      assert.equal(decodeAuthToken(token), undefined);
    });
  }
});

describe('refreshMarginMs', () => {
  it('is 60 s for an hour-long token', () => {
    assert.equal(refreshMarginMs({ userId: 'u', issuedAt: 0, expiresAt: 3_600_000 }), 60_000);
  });
  it('is half the lifetime of a short token, so it is not refreshed before every request', () => {
    assert.equal(refreshMarginMs({ userId: 'u', issuedAt: 0, expiresAt: 4_000 }), 2_000);
  });
  it('is 60 s when the token has no iat', () => {
    assert.equal(refreshMarginMs({ userId: 'u', expiresAt: 4_000 }), 60_000);
  });
});
