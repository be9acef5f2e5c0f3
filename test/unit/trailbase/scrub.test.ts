import assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/logger';
import { AuthError, NetworkError } from '../../../src/core/trailbase/errors';
import { registerSecret, scrubSecrets } from '../../../src/core/trailbase/scrub';
import { scrubbingLogger } from '../../../src/core/trailbase/scrubbingLogger';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1IiwiZXhwIjoxfQ.c2lnbmF0dXJlc2lnbmF0dXJl';
const REFRESH = 'Rk3v9QpZ2mXc7LwT8yBn4HsJ6gDf1KaUe5OiVr0NtYq3PxWz7Ml2Cb9Gh4Sd8Fj1Ak6Ln5Qm0Ro3Tp7Uv2Wx9Yz4Bc8De1Fg5Hi2Jk6Lm0N';

describe('token scrubbing', () => {
  it('removes JWTs, refresh-token-shaped strings and registered secrets from text', () => {
    registerSecret('short-but-registered-secret');
    const out = scrubSecrets(`Bearer ${JWT} refresh=${REFRESH} other=short-but-registered-secret id=AZMrGrXwfD6_EP_______w==`);
    assert.ok(!out.includes(JWT) && !out.includes(REFRESH) && !out.includes('short-but-registered-secret'), out);
    assert.match(out, /id=AZMrGrXwfD6_EP_______w==/, 'record ids stay readable');
  });

  it('keeps tokens out of error messages, reasons and causes', () => {
    const e = new AuthError('forbidden', `denied for ${JWT}`, { reason: `token ${REFRESH} rejected`, cause: new Error(`fetch with ${JWT}`) });
    const n = new NetworkError('unreachable', 'x', { cause: new Error(REFRESH) });
    for (const text of [e.message, e.reason ?? '', String(e.cause), String(n.cause), JSON.stringify(e), e.stack ?? '']) {
      assert.ok(!text.includes(JWT) && !text.includes(REFRESH), text);
    }
  });

  it('keeps tokens out of every log level and argument', () => {
    const lines: string[] = [];
    const sink: Logger = {
      trace: (...a) => lines.push(a.map(String).join(' ')),
      debug: (...a) => lines.push(a.map(String).join(' ')),
      info: (...a) => lines.push(a.map(String).join(' ')),
      warn: (...a) => lines.push(a.map(String).join(' ')),
      error: (...a) => lines.push(a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')),
    };
    const log = scrubbingLogger(sink);
    log.info(`t=${JWT}`, { headers: { authorization: `Bearer ${JWT}` } });
    log.warn('w', new Error(REFRESH));
    log.error(new Error(`e ${JWT}`));
    assert.equal(lines.length, 3);
    for (const line of lines) assert.ok(!line.includes(JWT) && !line.includes(REFRESH), line);
  });
});
