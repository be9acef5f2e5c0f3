// Two-factor sign-in in a real VS Code host against the local TrailBase-compatible server: from code
// (credentials.totp), from the palette (the code asked for in an input box naming account and server,
// a refused code typed again, a lapsed sign-in started over) and through "Sign In Again".
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FocusFlowApi } from '../../src/extension';
import type { ConnectResult } from '../../src/ui/team/connectCommands';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';
import { newTotpSecret, totpCode } from '../server/totp';
import { activateExtension, activationContext, logText, MemorySecretStorage, waitFor } from './helpers';

const PASSWORD = 'focusflow-it-password';
const LOGIN = 'POST /api/auth/v1/login';

type Answer = string | undefined | ((options: vscode.InputBoxOptions) => string | undefined);

/**
 * Answers the extension's input boxes in order, as a user typing would, and records what each box said.
 * The host hands this test and the extension the same `vscode` API object, so replacing the function
 * reaches the extension; `asked` staying empty would show it did not.
 */
function answerInputBoxes(answers: Answer[]): { asked: vscode.InputBoxOptions[]; restore(): void } {
  const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
  const original = window.showInputBox;
  const asked: vscode.InputBoxOptions[] = [];
  window.showInputBox = async (options?: vscode.InputBoxOptions) => {
    const o = options ?? {};
    asked.push(o);
    if (answers.length === 0) throw new Error(`an input box nobody expected: ${o.prompt}`);
    const next = answers.shift();
    const value = typeof next === 'function' ? next(o) : next;
    if (value !== undefined) {
      const refusal = await o.validateInput?.(value);
      if (refusal) throw new Error(`the box refused "${value}": ${typeof refusal === 'string' ? refusal : refusal.message}`);
    }
    return value;
  };
  return { asked, restore: () => (window.showInputBox = original) };
}

describe('two-factor sign-in in a real VS Code host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: FocusFlowApi;
  let users = 0;

  const connect = (args?: unknown) => vscode.commands.executeCommand<ConnectResult | undefined>('focusflow.connectTeam', args);
  const newUser = async (on: TestServer = server) => {
    const email = `it-2fa-${Date.now()}-${++users}@example.com`;
    const secret = newTotpSecret();
    const { id } = await on.createVerifiedUser(email, PASSWORD, { totpSecret: secret });
    return { email, id, secret };
  };
  const wrongCode = (secret: string) => (totpCode(secret) === '000000' ? '000001' : '000000');

  before(async () => {
    server = await startTestServer();
    ({ api } = await activateExtension());
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('focusflow.disconnectTeam', { force: true });
  });
  after(async () => {
    await server?.stop();
  });

  it('from code: credentials.totp connects; without it the command answers undefined and says a code is needed', async () => {
    const user = await newUser();
    assert.strictEqual(await connect({ serverUrl: server.url, credentials: { email: user.email, password: PASSWORD } }), undefined);
    assert.strictEqual(api.connectionStatus(), 'disconnected');
    const logged = await waitFor('the refusal in the log', async () => {
      const { text } = await logText(api);
      return text.includes(`Signing in as ${user.email}`) && text;
    });
    assert.match(logged, /needs the 6-digit code from your authenticator app/);

    const result = await connect({ serverUrl: server.url, credentials: { email: user.email, password: PASSWORD, totp: totpCode(user.secret) } });
    assert.deepStrictEqual(result, { userId: user.id, email: user.email, serverUrl: server.url });
    assert.strictEqual(api.connectionStatus(), 'connected');
  });

  it('from the palette: asks for the code naming account and server, takes a retyped code after a wrong one', async () => {
    const user = await newUser();
    const boxes = answerInputBoxes([server.url, user.email, PASSWORD, wrongCode(user.secret), () => totpCode(user.secret)]);
    let result: ConnectResult | undefined;
    try {
      result = await connect();
    } finally {
      boxes.restore();
    }
    assert.ok(boxes.asked.length > 0, 'the palette input boxes were not reached from the test');
    assert.strictEqual(result?.userId, user.id);
    assert.strictEqual(api.connectionStatus(), 'connected');
    const [first, second] = boxes.asked.slice(3);
    const host = new URL(server.url).host;
    assert.ok(first.prompt?.includes('6-digit code') && first.prompt.includes(user.email) && first.prompt.includes(host), first.prompt);
    assert.match(second.prompt ?? '', /not accepted/);
    assert.ok(first.ignoreFocusOut, 'the box stays while the user looks at the phone');
  });

  it('from the palette: a pending sign-in that lapsed starts over with the password and says so', async () => {
    const lapsing = await startTestServer({ mfaTokenTtlSec: -61 });
    try {
      const user = await newUser(lapsing);
      const boxes = answerInputBoxes([lapsing.url, user.email, PASSWORD, () => totpCode(user.secret), undefined]);
      let result: ConnectResult | undefined;
      try {
        result = await connect();
      } finally {
        boxes.restore();
      }
      assert.strictEqual(result, undefined, 'cancelled at the second code box');
      assert.strictEqual(boxes.asked.length, 5);
      assert.match(boxes.asked[4].prompt ?? '', /waited too long for its code, so FocusFlow started it again/);
      assert.strictEqual((await lapsing.stats()).requests[LOGIN], 2, 'the password sign-in ran again');
    } finally {
      await lapsing.stop();
    }
  });

  it('"Sign In Again" after the session is lost asks for the code too and reconnects the same account', async () => {
    const user = await newUser();
    const { extension } = await activateExtension();
    const module = api.lifecycle;
    const context = (secrets: vscode.SecretStorage) => activationContext(extension, api, secrets);
    await module.deactivate();
    try {
      let current = await module.activate(context(new MemorySecretStorage()));
      await connect({ serverUrl: server.url, credentials: { email: user.email, password: PASSWORD, totp: totpCode(user.secret) } });
      // The keychain entry is gone (as after an OS profile reset): the window comes back signed out.
      await module.deactivate();
      current = await module.activate(context(new MemorySecretStorage()));
      await waitFor('the signed-out state', () => current.connectionStatus() === 'signed-out');
      const boxes = answerInputBoxes([(o) => o.value, user.email, PASSWORD, () => totpCode(user.secret)]);
      let result: ConnectResult | undefined;
      try {
        result = await connect();
      } finally {
        boxes.restore();
      }
      assert.strictEqual(boxes.asked[0].value, server.url, 'the server is filled in');
      assert.strictEqual(result?.userId, user.id);
      assert.strictEqual(current.connectionStatus(), 'connected');
    } finally {
      await module.deactivate();
      await module.activate(context(new MemorySecretStorage()));
    }
  });
});
