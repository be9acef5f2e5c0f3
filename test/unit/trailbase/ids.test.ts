import assert from 'node:assert/strict';
import fc from 'fast-check';
import { base64ToUuid, isUuid, uuidToBase64, uuidv7, uuidv7Time } from '../../../src/core/ids';

describe('ids', () => {
  it('makes RFC 9562 version-7 UUIDs carrying the creation time', () => {
    const at = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    const id = uuidv7(at);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(uuidv7Time(id), at);
  });

  it('carries an explicit past time even after ids made now (fake clocks in tests)', () => {
    uuidv7();
    const past = Date.UTC(2020, 0, 1);
    assert.equal(uuidv7Time(uuidv7(past)), past);
  });

  it('makes 10,000 distinct ids in a tight loop, in strictly increasing order', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} !< ${ids[i]}`);
  });

  it('converts to TrailBase form: url-safe base64 with padding, 24 characters', () => {
    assert.equal(uuidToBase64('01932b1a-b5f0-7c3e-bf10-ffffffffffff'), 'AZMrGrXwfD6_EP_______w==');
    assert.equal(uuidToBase64('fbff0000-0000-7000-8000-000000000000'), '-_8AAAAAcACAAAAAAAAAAA==');
  });

  it('round-trips any UUID through the base64 form', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        const b64 = uuidToBase64(uuid);
        assert.match(b64, /^[A-Za-z0-9_-]{22}==$/);
        assert.equal(base64ToUuid(b64), uuid.toLowerCase());
      }),
    );
  });

  it('rejects malformed input instead of producing a wrong id', () => {
    assert.throws(() => uuidToBase64('not-a-uuid'), TypeError);
    for (const bad of [
      '01932b1a-b5f0-7c3e-bf10-fffffffffffg',
      '01932b1ab-5f0-7c3e-bf10-ffffffffffff',
      '01932b1a-b5f0-7c3e-bf10-fffffffffff',
      '01932b1a-b5f0-7c3e-bf10-ffffffffffff0',
      '01932b1a_b5f0_7c3e_bf10_ffffffffffff',
      '01932b1a-b5f0-7c3e-bf10-ffffffff fff',
    ]) {
      assert.throws(() => uuidToBase64(bad), TypeError, bad);
    }
    assert.throws(() => base64ToUuid('AZMrGrXwfD6_EP____________'), TypeError);
    assert.throws(() => base64ToUuid('AZMrGrXwfD6/EP+_____8=='), TypeError);
    assert.equal(isUuid('01932b1a-b5f0-7c3e-bf10-ffffffffffff'), true);
  });
});
