import assert from 'node:assert/strict';
import { FocusValidationError } from '../../../src/core/focus/errors';
import { parseLabel, parseMinutes } from '../../../src/core/focus/validation';

describe('focus duration validation', () => {
  for (const bad of [0, -5, 1441, 0.5, NaN, Infinity, '', 'abc', '25min', null, {}, true]) {
    it(`refuses ${typeof bad === 'number' ? String(bad) : JSON.stringify(bad)} with a message`, () => {
      assert.throws(
        () => parseMinutes(bad),
        (e) => e instanceof FocusValidationError && e.code === 'invalid-duration' && /minute|Duration/.test(e.message),
      );
    });
  }

  it('accepts whole minutes from 1 to 24 h, typed or numeric', () => {
    assert.equal(parseMinutes(1), 1);
    assert.equal(parseMinutes(' 50 '), 50);
    assert.equal(parseMinutes(1440), 1440);
  });

  it('stores blank labels as none and refuses non-text', () => {
    assert.equal(parseLabel('  '), null);
    assert.equal(parseLabel(' write docs '), 'write docs');
    assert.throws(() => parseLabel(42), FocusValidationError);
  });
});
