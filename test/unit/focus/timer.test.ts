import assert from 'node:assert/strict';
import { FocusStateError } from '../../../src/core/focus/errors';
import { toIso } from '../../../src/core/focus/session';
import * as timer from '../../../src/core/focus/timer';
import { FakeClock } from './fakeClock';

const min = 60_000;

function focus(clock: FakeClock, minutes = 25) {
  return timer.begin({ id: 's1', kind: 'focus', breakType: null, label: 'write', minutes }, clock.now());
}

describe('focus timer arithmetic', () => {
  it('counts down from the planned length as the clock moves', () => {
    const clock = new FakeClock();
    const s = focus(clock);
    assert.equal(timer.remainingSeconds(s, clock.now()), 25 * 60);
    clock.advance(10 * min + 47_000);
    assert.equal(timer.remainingSeconds(s, clock.now()), 14 * 60 + 13);
  });

  it('freezes the countdown while paused and adds the pause to the due time on resume', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    clock.advanceMinutes(10);
    s = timer.pause(s, clock.now());
    clock.advanceMinutes(7);
    assert.equal(timer.remainingSeconds(s, clock.now()), 15 * 60, 'paused time must not count');
    s = timer.resume(s, clock.now());
    assert.equal(s.pausedSeconds, 7 * 60);
    assert.equal(s.pausedAt, null);
    assert.equal(timer.dueAt(s), Date.parse(s.startTime) + 32 * min);
    clock.advanceMinutes(5);
    assert.equal(timer.remainingSeconds(s, clock.now()), 10 * 60);
  });

  it('accumulates several pauses', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    for (let i = 0; i < 3; i++) {
      clock.advanceMinutes(2);
      s = timer.pause(s, clock.now());
      clock.advanceSeconds(90);
      s = timer.resume(s, clock.now());
    }
    assert.equal(s.pausedSeconds, 270);
    assert.equal(timer.remainingSeconds(s, clock.now()), 25 * 60 - 6 * 60);
  });

  it('stop records focused time only, including an open pause folded in', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    clock.advanceMinutes(12);
    s = timer.pause(s, clock.now());
    clock.advanceMinutes(3);
    s = timer.complete(s, clock.now());
    assert.equal(s.state, 'completed');
    assert.equal(s.completed, true);
    assert.equal(s.actualSeconds, 12 * 60);
    assert.equal(s.pausedSeconds, 3 * 60);
    assert.equal(s.endTime, toIso(clock.now()));
  });

  it('cancel keeps the focused time but does not count the session as completed', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    clock.advanceMinutes(4);
    s = timer.cancel(s, clock.now());
    assert.equal(s.state, 'cancelled');
    assert.equal(s.completed, false);
    assert.equal(s.actualSeconds, 4 * 60);
  });

  it('settles a session whose due time passed during sleep at the due time, not at wake-up', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    clock.advanceMinutes(5);
    s = timer.pause(s, clock.now());
    clock.advanceMinutes(2);
    s = timer.resume(s, clock.now());
    clock.advanceMinutes(3 * 60); // lid closed for three hours
    const settled = timer.settle(s, clock.now());
    assert.equal(settled.state, 'completed');
    assert.equal(settled.actualSeconds, 25 * 60);
    assert.equal(settled.endTime, toIso(Date.parse(s.startTime) + 27 * min));
  });

  it('does not settle before the due time or while paused', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    clock.advance(25 * min - 1);
    assert.equal(timer.settle(s, clock.now()), s);
    s = timer.pause(s, clock.now());
    clock.advanceMinutes(600);
    assert.equal(timer.settle(s, clock.now()).state, 'paused');
    assert.equal(timer.remainingSeconds(s, clock.now()), 1);
  });

  it('refuses transitions that do not fit the state with a typed error', () => {
    const clock = new FakeClock();
    const running = focus(clock);
    assert.throws(() => timer.resume(running, clock.now()), (e) => e instanceof FocusStateError && /already running/.test(e.message));
    const paused = timer.pause(running, clock.now());
    assert.throws(() => timer.pause(paused, clock.now()), (e) => e instanceof FocusStateError && /already paused/.test(e.message));
    const done = timer.complete(running, clock.now());
    assert.throws(() => timer.cancel(done, clock.now()), FocusStateError);
    assert.throws(() => timer.pause(done, clock.now()), FocusStateError);
  });

  it('never yields negative time when the clock steps backwards', () => {
    const clock = new FakeClock();
    const s = focus(clock);
    clock.advanceMinutes(-30);
    assert.equal(timer.remainingSeconds(s, clock.now()), 25 * 60);
    assert.equal(timer.complete(s, clock.now()).actualSeconds, 0);
  });
});

describe('idle auto-pause timing', () => {
  it('is off when the idle limit is 0', () => {
    const clock = new FakeClock();
    const s = focus(clock);
    clock.advanceMinutes(20);
    assert.equal(timer.autoPauseAt(s, clock.now() - 20 * min, 0, clock.now()), undefined);
  });

  it('pauses at the moment the idle limit passed, not when it was noticed', () => {
    const clock = new FakeClock();
    const s = focus(clock);
    const lastActivity = clock.now() + 2 * min;
    clock.advanceMinutes(15);
    const at = timer.autoPauseAt(s, lastActivity, 5, clock.now());
    assert.equal(at, lastActivity + 5 * min);
    const paused = timer.pause(s, at!, clock.now());
    assert.equal(timer.remainingSeconds(paused, clock.now()), 18 * 60);
  });

  it('never backdates a pause before the last resume', () => {
    const clock = new FakeClock();
    let s = focus(clock);
    s = timer.pause(s, clock.now());
    clock.advanceMinutes(30);
    s = timer.resume(s, clock.now());
    const resumedAt = clock.now();
    clock.advanceMinutes(1);
    assert.equal(timer.autoPauseAt(s, resumedAt - 40 * min, 5, clock.now()), resumedAt);
  });

  it('leaves a session that is due first to complete', () => {
    const clock = new FakeClock();
    const s = focus(clock, 10);
    clock.advanceMinutes(60);
    assert.equal(timer.autoPauseAt(s, clock.now() - 55 * min, 20, clock.now()), undefined);
  });
});
