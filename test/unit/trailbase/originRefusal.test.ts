import assert from 'node:assert/strict';
import { browserOrigin } from '../../../src/core/trailbase/originRefusal';

describe('browserOrigin: where the CORS probe may run', () => {
  it('is the worker or page origin in a browser-like scope', () => {
    assert.equal(browserOrigin({ origin: 'https://vscode.dev' }), 'https://vscode.dev');
    assert.equal(browserOrigin({ location: { origin: 'http://127.0.0.1:8080' } }), 'http://127.0.0.1:8080');
  });

  it('is undefined under Node, so the Node build never probes', () => {
    assert.equal(browserOrigin(), undefined);
    assert.equal(browserOrigin({}), undefined);
  });

  it('is undefined for an opaque origin, which no server can be told to allow by name', () => {
    assert.equal(browserOrigin({ origin: 'null' }), undefined);
  });
});
