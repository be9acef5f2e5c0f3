import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/core/trailbase/errors';
import { validateServerUrl } from '../../../src/core/trailbase/url';

describe('validateServerUrl', () => {
  it('accepts https anywhere and normalises away a trailing slash, query and hash', () => {
    const url = validateServerUrl('  https://focus.example.com/base/?x=1#top ');
    assert.equal(url.href, 'https://focus.example.com/base');
  });

  for (const ok of ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://127.45.3.2', 'http://[::1]:8080']) {
    it(`accepts plain http for loopback ${ok}`, () => {
      assert.equal(validateServerUrl(ok).protocol, 'http:');
    });
  }

  for (const bad of ['http://focus.example.com', 'http://192.168.1.10:4000', 'http://128.0.0.1', 'http://localhost.evil.com', 'http://[::2]']) {
    it(`rejects plain http to a remote host ${bad}, saying to use https`, () => {
      assert.throws(
        () => validateServerUrl(bad),
        (e: unknown) => e instanceof ValidationError && e.kind === 'validation' && e.code === 'bad-url' && /https:\/\//.test(e.message),
      );
    });
  }

  for (const bad of ['', 'not a url', 'ftp://files.example.com', 'https://user:secret@focus.example.com']) {
    it(`rejects ${JSON.stringify(bad)} with a message telling what to enter`, () => {
      assert.throws(
        () => validateServerUrl(bad),
        (e: unknown) => e instanceof ValidationError && e.code === 'bad-url' && e.message.length > 20 && !e.message.includes('secret'),
      );
    });
  }
});
