// What the Activity webview sends the extension is just JSON from a page: anything that is not one of
// our messages is dropped with exactly one log line, and nothing it sends can make the host throw.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { acceptWebviewMessage, type WebviewMessage } from '../../../src/webview/protocol';

const SEED = Number(process.env.FOCUSFLOW_FUZZ_SEED ?? 16_016);

function gate(v: unknown): { message: WebviewMessage | undefined; lines: string[] } {
  const lines: string[] = [];
  const message = acceptWebviewMessage(v, (line) => lines.push(line));
  return { message, lines };
}

const valid = fc.oneof(
  fc.record({ type: fc.constantFrom('ready', 'setRange'), rangeDays: fc.constantFrom(7, 30) }),
  fc.record({ type: fc.constant('run'), command: fc.constantFrom('focusflow.connectTeam', 'focusflow.createAccount', 'focusflow.createTeam', 'focusflow.joinTeam') }),
);

/** A valid message bent out of shape: a field of the wrong type or value, a field missing, one too many. */
const broken = valid.chain((m) =>
  fc.oneof(
    fc.record({ field: fc.constantFrom(...Object.keys(m)), value: fc.oneof(fc.jsonValue(), fc.string({ maxLength: 10_000 }), fc.constant(undefined)) }).map(({ field, value }) => ({ ...m, [field]: value })),
    fc.constantFrom(...Object.keys(m)).map((field) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== field))),
    fc.constant({ ...m, type: 'run', command: 'workbench.action.terminal.new' }),
    fc.constant(JSON.parse(`{"__proto__": {"type": "${m.type}"}, "constructor": 1}`) as unknown),
  ),
);

describe('webview → extension messages', () => {
  it('every valid message passes unchanged and logs nothing', () => {
    fc.assert(
      fc.property(valid, (m) => {
        const { message, lines } = gate(m);
        assert.deepEqual(message, m);
        assert.deepEqual(lines, []);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('anything else is dropped with exactly one log line, never a throw (arbitrary JSON and bent messages)', () => {
    let dropped = 0;
    fc.assert(
      fc.property(fc.oneof(broken, fc.jsonValue({ maxDepth: 6 }), fc.anything()), (v) => {
        const { message, lines } = gate(v);
        if (message === undefined) {
          dropped++;
          assert.equal(lines.length, 1, `one log line for ${JSON.stringify(v)?.slice(0, 200)}`);
          assert.ok(lines[0].length < 200, 'the line stays short whatever the page sent');
        } else {
          assert.deepEqual(lines, []);
        }
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    assert.ok(dropped > 2_000, `most of these are not messages (${dropped} dropped)`);
  });

  it('does not run a command outside the few the empty state offers', () => {
    const { message, lines } = gate({ type: 'run', command: 'workbench.action.terminal.new' });
    assert.equal(message, undefined);
    assert.match(lines[0], /type "run".*ignored/);
  });
});
