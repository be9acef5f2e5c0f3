// What the user's own focus sessions publish as presence, and how a teammate's presence reads in the Team view.
import * as assert from 'assert';
import type { FocusChangeReason } from '../../../src/core/focus/focusService';
import * as timer from '../../../src/core/focus/timer';
import { isUuid, uuidToBase64, uuidv7 } from '../../../src/core/ids';
import { presenceFor, presenceId, presenceOf } from '../../../src/core/team/presence';
import type { MemberNode } from '../../../src/core/team/teamTree';
import { presentMember } from '../../../src/core/team/teamTreeLabels';
import { FakeClock } from '../focus/fakeClock';

describe('team presence', () => {
  const clock = new FakeClock();
  const focus = timer.begin({ id: uuidv7(), kind: 'focus', breakType: null, label: 'secret project', minutes: 25 }, clock.now());
  const due = clock.now() + 25 * 60_000;

  it('a focus session that starts or resumes publishes its due time; pausing or ending it clears it', () => {
    const expected: [FocusChangeReason, number | null | undefined][] = [
      ['started', due],
      ['resumed', due],
      ['paused', null],
      ['auto-paused', null],
      ['stopped', null],
      ['cancelled', null],
      ['completed', null],
      ['external', undefined],
    ];
    for (const [reason, value] of expected) assert.strictEqual(presenceFor({ reason, session: focus }), value, reason);
  });

  it('says nothing about breaks or changes without a session', () => {
    const pause = timer.begin({ id: uuidv7(), kind: 'break', breakType: 'short', label: null, minutes: 5 }, clock.now());
    assert.strictEqual(presenceFor({ reason: 'started', session: pause }), undefined);
    assert.strictEqual(presenceFor({ reason: 'external' }), undefined);
    assert.strictEqual(presenceOf(pause), null);
    assert.strictEqual(presenceOf(undefined), null);
  });

  it('publishes the due time of the running session when sharing is turned on mid-session; a paused one publishes none', () => {
    assert.strictEqual(presenceOf(focus), due);
    assert.strictEqual(presenceOf(timer.pause(focus, clock.now() + 60_000)), null);
  });

  it('keeps one row id per team and member, a valid UUIDv7 on the wire', () => {
    const team = uuidv7();
    const user = uuidv7();
    const id = presenceId(team, user);
    assert.ok(isUuid(id));
    assert.strictEqual(id[14], '7', 'version 7');
    assert.strictEqual(presenceId(team, user), id, 'the same on every machine');
    assert.notStrictEqual(presenceId(team, uuidv7()), id);
    assert.notStrictEqual(presenceId(uuidv7(), user), id);
    assert.match(uuidToBase64(id), /^[A-Za-z0-9_-]{22}==$/);
  });

  it('shows "focusing now" with its end time while it lasts, then last active again', () => {
    const member: MemberNode = {
      kind: 'member',
      teamId: uuidv7(),
      memberId: uuidv7(),
      userId: uuidv7(),
      email: 'zed@example.com',
      role: 'Admin',
      isYou: false,
      manageable: false,
      lastActive: new Date(clock.now() - 3 * 3600_000).toISOString(),
      focusingUntil: due,
      sessionCount: 4,
    };
    const now = presentMember(member, { nowMs: clock.now(), timeZone: 'UTC' });
    assert.strictEqual(now.description, 'Admin · focusing now');
    assert.strictEqual(now.icon, 'flame');
    assert.match(now.tooltip, /Focusing now, until 09:25\nLast active 3 h ago/);
    assert.strictEqual(now.accessibilityLabel, 'zed@example.com, Admin, focusing now');
    assert.strictEqual(now.contextValue, 'member.readonly.admin', 'presence does not change what the viewer may do');
    const after = presentMember(member, { nowMs: due + 1, timeZone: 'UTC' });
    assert.strictEqual(after.description, 'Admin · last active 3 h ago');
    assert.strictEqual(after.icon, 'shield');
  });
});
