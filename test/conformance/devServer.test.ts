// `npm run dev-server -- --demo` as a user runs it: its own process, the exact ready line, the
// seeded demo team, and no test-control routes unless asked for.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initClient } from 'trailbase';
import { totpCode } from '../server/totp';

function start(args: string[]): Promise<{ child: ChildProcess; url: string; firstLine: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', require.resolve('tsx'), join(__dirname, '..', 'server', 'main.ts'), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const firstLine = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, url: firstLine.replace('listening on ', ''), firstLine, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}`)));
  });
}

describe('dev server: --demo', function () {
  let dir: string;
  let server: { child: ChildProcess; url: string; firstLine: string; stderr: () => string };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'focusflow-demo-'));
    // --exit-with-stdin: the server dies with this test process even if it is killed.
    server = await start(['--port', '0', '--data', dir, '--demo', '--auto-verify', '--exit-with-stdin']);
  });
  after(() => {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints exactly "listening on http://127.0.0.1:PORT" with the real port', () => {
    assert.match(server.firstLine, /^listening on http:\/\/127\.0\.0\.1:\d{2,5}$/);
    assert.notEqual(new URL(server.url).port, '0');
  });

  it('seeds alice (owner) and bob (member) in "Demo Team" with a dozen sessions from the last week', async () => {
    const alice = initClient(server.url);
    await alice.login('alice@example.com', 'focusflow-demo');
    const teams = await alice.records('teams').list();
    assert.deepEqual(teams.records.map((t) => (t as Record<string, unknown>).name), ['Demo Team']);
    const teamId = String((teams.records[0] as Record<string, unknown>).id);
    const members = (await alice.records('members').list({ filters: [{ column: 'team', value: teamId }] })).records as Record<string, unknown>[];
    assert.deepEqual(members.map((m) => m.role).sort(), ['member', 'owner']);
    assert.equal(members.find((m) => m.role === 'owner')?.user, alice.user()?.id);
    const sessions = (await alice.records('shared_sessions').list({ count: true, pagination: { limit: 100 } }));
    assert.equal(sessions.total_count, 12);
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000 - 3 * 3600 * 1000;
    for (const s of sessions.records as Record<string, unknown>[]) {
      const t = Date.parse(String(s.start_time));
      assert.ok(t > weekAgo && t < Date.now(), String(s.start_time));
    }
    const bob = initClient(server.url);
    await bob.login('bob@example.com', 'focusflow-demo');
    assert.equal((await bob.records('shared_sessions').list({ count: true })).total_count, 12);
  });

  it('carol signs in and belongs to no team', async () => {
    const carol = initClient(server.url);
    await carol.login('carol@example.com', 'focusflow-demo');
    assert.deepEqual((await carol.records('teams').list()).records, []);
  });

  it('prints the otpauth:// URI of dave, who signs in with a code from it as an authenticator app would make it', async () => {
    const uri = /otpauth:\/\/totp\/\S+/.exec(server.stderr())?.[0];
    assert.ok(uri, server.stderr());
    const params = new URL(uri).searchParams;
    assert.deepEqual([params.get('algorithm'), params.get('digits'), params.get('period')], ['SHA1', '6', '30']);
    assert.ok(decodeURIComponent(new URL(uri).pathname).endsWith(':dave@example.com'));
    const dave = initClient(server.url);
    const pending = await dave.login('dave@example.com', 'focusflow-demo');
    assert.ok(pending, 'the password alone does not sign dave in');
    await dave.loginSecond({ mfaToken: pending, totpCode: totpCode(String(params.get('secret'))) });
    assert.equal(dave.user()?.email, 'dave@example.com');
    assert.deepEqual((await dave.records('teams').list()).records, []);
  });

  it('has no /__test__ control routes without --test-control', async () => {
    assert.equal((await fetch(`${server.url}/__test__/stats`)).status, 404);
  });
});
