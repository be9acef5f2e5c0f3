// "Focusing now" in a real VS Code host, against the local server running the kit with presence:
// nothing is sent until the setting is on; then a focus session started here reaches a teammate, a
// teammate's reaches the Team view without any command, and turning the setting off deletes ours.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { z } from 'zod';
import { base64ToUuid, uuidToBase64, uuidv7 } from '../../src/core/ids';
import { silentLogger } from '../../src/core/logger';
import { presenceId } from '../../src/core/team/presence';
import type { TeamSummary } from '../../src/core/team/teams';
import { TrailBaseClient } from '../../src/core/trailbase';
import type { TeamViewProbe } from '../../src/ui/team';
import type { TestServer } from '../server/harness';
import { startTestServer } from './servers';

import { activateExtension, waitFor } from './helpers';
import { MemoryTokenStore } from '../support/memoryTokenStore';

const PASSWORD = 'focusflow-it-password';

const presenceRow = z.object({ user: z.string(), focusing_until: z.number().nullable() });

describe('Team presence in a real VS Code host', function () {
  this.timeout(30_000);
  let server: TestServer;
  let view: TeamViewProbe;
  let bob: TrailBaseClient;
  const settings = () => vscode.workspace.getConfiguration('focusflow');
  const command = <T>(id: string, arg?: unknown) => vscode.commands.executeCommand<T | undefined>(id, arg);

  before(async () => {
    const { api } = await activateExtension();
    view = api.teamView() ?? assert.fail('the extension exposes no Team view');
    server = await startTestServer();
    await command('focusflow.disconnectTeam', { force: true });
  });

  after(async () => {
    if (!server) return; // before() failed before starting it
    await settings().update('sharing.presence', undefined, vscode.ConfigurationTarget.Global);
    await command('focusflow.cancelFocus');
    await command('focusflow.disconnectTeam', { force: true });
    bob?.dispose();
    await server.stop();
  });

  it('sends nothing while off; once on, shares only the due time, shows a teammate focusing, and deletes ours when off', async () => {
    const stamp = Date.now();
    const alice = `it-presence-alice-${stamp}@example.com`;
    const bobEmail = `it-presence-bob-${stamp}@example.com`;
    await server.createVerifiedUser(alice, PASSWORD);
    await server.createVerifiedUser(bobEmail, PASSWORD);
    await command('focusflow.connectTeam', { serverUrl: server.url, credentials: { email: alice, password: PASSWORD } });
    const team = await command<TeamSummary>('focusflow.createTeam', { name: 'Presence IT' });
    assert.ok(team);
    bob = new TrailBaseClient({ serverUrl: server.url, tokenStore: new MemoryTokenStore(), logger: silentLogger });
    await bob.login(bobEmail, PASSWORD);
    await bob.records('join_requests', z.unknown()).create({ id: uuidToBase64(uuidv7()), invite_code: team.inviteCode });
    const presence = bob.records('presence', presenceRow);

    assert.strictEqual(settings().get('sharing.presence'), false, 'off by default');
    await command('focusflow.cancelFocus');
    await command('focusflow.startFocus', { minutes: 25, label: 'do not share this label' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual((await presence.list({})).records, [], 'nothing sent while the setting is off');

    await settings().update('sharing.presence', true, vscode.ConfigurationTarget.Global);
    const mine = await waitFor('our presence on the server', async () => (await presence.list({})).records.find((r) => r.focusing_until !== null));
    const untilMs = mine.focusing_until as number;
    assert.ok(Math.abs(untilMs - (Date.now() + 25 * 60_000)) < 60_000, 'the running session’s due time');
    const raw = await bob.records('presence', z.record(z.string(), z.unknown())).list({});
    assert.ok(!JSON.stringify(raw.records).includes('do not share this label'), 'no label leaves the machine');

    // Bob starts focusing on his machine: alice's Team view says so without any command.
    await bob.records('presence', z.unknown()).create({
      id: uuidToBase64(presenceId(team.id, base64ToUuid(bob.user?.id as string))),
      team: uuidToBase64(team.id),
      user: bob.user?.id,
      focusing_until: Date.now() + 10 * 60_000,
    });
    const bobRow = await waitFor(
      "bob's focusing now in the view",
      () => view.items(view.items()[0]).find((m) => m.label === bobEmail && m.description === 'Member · focusing now'),
      { timeoutMs: 8_000 },
    );
    assert.match(bobRow.tooltip ?? '', /Focusing now, until \d\d:\d\d/);

    await command('focusflow.cancelFocus');
    await waitFor('our presence cleared', async () => (await presence.list({ where: { user: mine.user } })).records[0]?.focusing_until === null);
    await settings().update('sharing.presence', false, vscode.ConfigurationTarget.Global);
    await waitFor('our presence deleted', async () => (await presence.list({ where: { user: mine.user } })).records.length === 0);
  });
});
