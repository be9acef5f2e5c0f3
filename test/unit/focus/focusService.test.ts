import assert from 'node:assert/strict';
import { FocusStateError, FocusValidationError } from '../../../src/core/focus/errors';
import type { FocusChange, FocusService } from '../../../src/core/focus/focusService';
import { toIso } from '../../../src/core/focus/session';
import { remainingSeconds } from '../../../src/core/focus/timer';
import { FocusFixture } from './serviceFixture';

const min = 60_000;

function record(service: FocusService): FocusChange[] {
  const seen: FocusChange[] = [];
  service.onDidChange((c) => seen.push(c));
  return seen;
}

describe('FocusService on a real database file', () => {
  let fx: FocusFixture;
  beforeEach(() => (fx = new FocusFixture()));
  afterEach(() => fx.dispose());

  it('persists start, pause and resume with the arithmetic in the stored row', async () => {
    const focus = await fx.window();
    const started = await focus.start({ minutes: 50, label: 'review' });
    fx.clock.advanceMinutes(10);
    await focus.pause();
    fx.clock.advanceMinutes(4);
    const resumed = await focus.resume();

    const [row] = await fx.rowsOnDisk();
    assert.equal(row.id, started.id);
    assert.equal(row.kind, 'focus');
    assert.equal(row.label, 'review');
    assert.equal(row.planned_duration_minutes, 50);
    assert.equal(row.state, 'running');
    assert.equal(row.paused_seconds, 240);
    assert.equal(row.paused_at, null);
    assert.equal(remainingSeconds(resumed, fx.clock.now()), 40 * 60);
  });

  it('uses the configured focus length when no minutes are given', async () => {
    fx.settings.focusMinutes = 45;
    const focus = await fx.window();
    assert.equal((await focus.start()).plannedMinutes, 45);
  });

  it('restores a running and a paused session in a new window on the same file', async () => {
    const first = await fx.window();
    const started = await first.start({ minutes: 25 });
    fx.clock.advanceMinutes(5);
    await fx.close(first); // window reload: the service and store go away mid-session

    fx.clock.advanceMinutes(3);
    const second = await fx.window();
    const restored = second.current();
    assert.equal(restored?.id, started.id);
    assert.equal(restored?.state, 'running');
    assert.equal(remainingSeconds(restored!, fx.clock.now()), 17 * 60, 'time kept running while the window was gone');

    await second.pause();
    await fx.close(second);
    fx.clock.advanceMinutes(60);
    const third = await fx.window();
    assert.equal(third.current()?.state, 'paused');
    assert.equal(remainingSeconds(third.current()!, fx.clock.now()), 17 * 60, 'a paused session stays paused across restarts');
    const resumed = await third.resume();
    assert.equal(resumed.pausedSeconds, 60 * 60);
  });

  it('completes a session that fell due during sleep at its due time, once', async () => {
    const focus = await fx.window();
    const seen = record(focus);
    const started = await focus.start({ minutes: 25 });
    fx.clock.advanceMinutes(8 * 60); // machine asleep overnight

    const changes = await focus.tick();
    assert.deepEqual(changes.map((c) => c.reason), ['completed']);
    const done = changes[0].session!;
    assert.equal(done.state, 'completed');
    assert.equal(done.completed, true);
    assert.equal(done.actualSeconds, 25 * 60);
    assert.equal(done.endTime, toIso(Date.parse(started.startTime) + 25 * min));
    assert.deepEqual(await focus.tick(), [], 'a second tick finds nothing to do');
    assert.equal(seen.filter((c) => c.reason === 'completed').length, 1);
    assert.equal(focus.current(), undefined);

    const [row] = await fx.rowsOnDisk();
    assert.equal(row.state, 'completed');
    assert.equal(row.actual_duration_seconds, 1500);
  });

  it('completes a due session found by a command before answering it', async () => {
    const focus = await fx.window();
    const seen = record(focus);
    await focus.start({ minutes: 1 });
    fx.clock.advanceMinutes(2);
    await assert.rejects(focus.pause(), (e) => e instanceof FocusStateError && e.code === 'nothing-active');
    assert.deepEqual(seen.map((c) => c.reason), ['started', 'completed']);
    assert.equal((await fx.rowsOnDisk())[0].state, 'completed');
  });

  it('does nothing before the due time', async () => {
    const focus = await fx.window();
    await focus.start({ minutes: 25 });
    fx.clock.advance(25 * min - 1000);
    assert.deepEqual(await focus.tick(), []);
    assert.equal(focus.current()?.state, 'running');
  });

  it('lets only one of two windows complete and report a due session', async () => {
    const a = await fx.window();
    const b = await fx.window();
    const seenA = record(a);
    const seenB = record(b);
    const started = await a.start({ minutes: 25 });
    assert.equal(b.current()?.id, started.id, 'the other window sees the session');
    fx.clock.advanceMinutes(26);

    const [fromA, fromB] = await Promise.all([a.tick(), b.tick()]);
    const completions = [...fromA, ...fromB].filter((c) => c.reason === 'completed');
    assert.equal(completions.length, 1);
    const reported = [...seenA, ...seenB].filter((c) => c.reason === 'completed');
    assert.equal(reported.length, 1, 'exactly one window notifies');
    const rows = await fx.rowsOnDisk();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].state, 'completed');
  });

  it('refuses a second session started from another window', async () => {
    const a = await fx.window();
    const b = await fx.window();
    await a.start({ minutes: 25 });
    await assert.rejects(b.start({ minutes: 50 }), (e) => e instanceof FocusStateError && e.code === 'already-active');
    assert.equal((await fx.rowsOnDisk()).length, 1);
  });

  it('stop counts the session as done and cancel does not', async () => {
    const focus = await fx.window();
    await focus.start({ minutes: 25 });
    fx.clock.advanceMinutes(20);
    const stopped = await focus.stop();
    assert.equal(stopped.completed, true);
    assert.equal(stopped.actualSeconds, 20 * 60);
    await focus.start({ minutes: 25 });
    fx.clock.advanceMinutes(3);
    const cancelled = await focus.cancel();
    assert.equal(cancelled.state, 'cancelled');
    const rows = await fx.rowsOnDisk();
    assert.deepEqual(rows.map((r) => [r.state, r.completed, r.actual_duration_seconds]), [
      ['completed', 1, 1200],
      ['cancelled', 0, 180],
    ]);
    assert.equal(focus.history().today.sessions, 1);
  });

  describe('breaks', () => {
    async function focusAndComplete(focus: FocusService) {
      await focus.start({ minutes: 25 });
      fx.clock.advanceMinutes(25);
      await focus.tick();
    }

    it('gives a long break after every N completed focus sessions, short ones between', async () => {
      fx.settings.longBreakEvery = 2;
      fx.settings.shortBreakMinutes = 5;
      fx.settings.longBreakMinutes = 20;
      const focus = await fx.window();
      const kinds: string[] = [];
      for (let i = 0; i < 4; i++) {
        await focusAndComplete(focus);
        const br = await focus.startBreak();
        kinds.push(`${br.breakType}:${br.plannedMinutes}`);
        fx.clock.advanceMinutes(br.plannedMinutes);
        await focus.tick();
      }
      assert.deepEqual(kinds, ['short:5', 'long:20', 'short:5', 'long:20']);
    });

    it('restarts the cycle each day', async () => {
      fx.settings.longBreakEvery = 2;
      const focus = await fx.window();
      await focusAndComplete(focus);
      fx.clock.advanceMinutes(24 * 60);
      await focusAndComplete(focus);
      assert.equal((await focus.startBreak()).breakType, 'short');
    });

    it('honours an explicit long or short choice and length', async () => {
      const focus = await fx.window();
      const br = await focus.startBreak({ long: true, minutes: 12 });
      assert.deepEqual([br.breakType, br.plannedMinutes], ['long', 12]);
      await focus.cancel();
      await assert.rejects(focus.startBreak({ long: 'yes' }), (e) => e instanceof FocusValidationError && e.code === 'invalid-break-type');
      await assert.rejects(focus.startBreak({ minutes: 0 }), (e) => e instanceof FocusValidationError && e.code === 'invalid-duration');
      assert.equal(focus.current(), undefined);
    });

    it('ends a running break early when a focus session starts', async () => {
      const focus = await fx.window();
      const br = await focus.startBreak();
      fx.clock.advanceMinutes(2);
      const next = await focus.start({ minutes: 25 });
      const rows = await fx.rowsOnDisk();
      assert.deepEqual(rows.map((r) => [r.id, r.state, r.actual_duration_seconds]), [
        [br.id, 'completed', 120],
        [next.id, 'running', null],
      ]);
    });

    it('refuses a break while focusing', async () => {
      const focus = await fx.window();
      await focus.start({ minutes: 25 });
      await assert.rejects(focus.startBreak(), (e) => e instanceof FocusStateError && /Stop it/.test(e.message));
    });
  });

  describe('bad input and wrong state', () => {
    for (const minutes of [0, -1, 24 * 60 + 1, 'soon', Number.NaN]) {
      it(`refuses ${String(minutes)} minutes and starts nothing`, async () => {
        const focus = await fx.window();
        await assert.rejects(focus.start({ minutes }), (e) => e instanceof FocusValidationError && e.message.length > 0);
        assert.equal(focus.current(), undefined);
        assert.deepEqual(await fx.rowsOnDisk(), []);
      });
    }

    it('answers pause, resume, stop and cancel with nothing running with a typed error', async () => {
      const focus = await fx.window();
      for (const call of [() => focus.pause(), () => focus.resume(), () => focus.stop(), () => focus.cancel()]) {
        await assert.rejects(call(), (e) => e instanceof FocusStateError && e.code === 'nothing-active' && /no focus session/.test(e.message));
      }
    });

    it('refuses resume while running and pause while paused', async () => {
      const focus = await fx.window();
      await focus.start({ minutes: 25 });
      await assert.rejects(focus.resume(), (e) => e instanceof FocusStateError && e.code === 'not-paused');
      await focus.pause();
      await assert.rejects(focus.pause(), (e) => e instanceof FocusStateError && e.code === 'not-running');
      await assert.rejects(focus.start(), (e) => e instanceof FocusStateError && /already paused/.test(e.message));
    });
  });

  describe('idle auto-pause', () => {
    /** Auto-pause after 5 idle minutes; a session of `minutes`, worked on for 10, then left for `awayMinutes`. */
    const awayFromSession = async (minutes: number, awayMinutes: number) => {
      fx.settings.autoPauseIdleMinutes = 5;
      const focus = await fx.window();
      await focus.start({ minutes });
      fx.clock.advanceMinutes(10);
      const lastActive = fx.clock.now();
      fx.lastActivity = lastActive;
      fx.clock.advanceMinutes(awayMinutes);
      return { focus, idleLimitAt: lastActive + 5 * min };
    };

    it('stays off by default however long the user is away', async () => {
      const focus = await fx.window();
      await focus.start({ minutes: 60 });
      fx.lastActivity = fx.clock.now();
      fx.clock.advanceMinutes(30);
      assert.deepEqual(await focus.tick(), []);
      assert.equal(focus.current()?.state, 'running');
    });

    it('pauses at the moment the idle limit passed', async () => {
      const { focus, idleLimitAt } = await awayFromSession(60, 7);
      const changes = await focus.tick();
      assert.deepEqual(changes.map((c) => c.reason), ['auto-paused']);
      assert.equal(changes[0].session!.pausedAt, toIso(idleLimitAt));
      assert.equal(remainingSeconds(focus.current()!, fx.clock.now()), 45 * 60);
    });

    it('of a session the machine slept through, counts the focus up to the idle limit, not the planned length', async () => {
      const { focus, idleLimitAt } = await awayFromSession(25, 120);
      const changes = await focus.tick();
      assert.deepEqual(changes.map((c) => c.reason), ['auto-paused'], 'paused, not completed');
      assert.equal(changes[0].session!.pausedAt, toIso(idleLimitAt));
      assert.equal(remainingSeconds(focus.current()!, fx.clock.now()), 10 * 60);
      // Back at the keyboard, the user stops it: 15 minutes of focus, not 25.
      const stopped = await focus.stop();
      assert.equal(stopped.actualSeconds, 15 * 60);
    });

    it('answers Pause after a long absence with the session paused when the idle limit passed', async () => {
      const { focus, idleLimitAt } = await awayFromSession(60, 20);
      const paused = await focus.pause();
      assert.equal(paused.state, 'paused');
      assert.equal(paused.pausedAt, toIso(idleLimitAt));
    });

    it('also when the first thing after waking is a command, before any tick', async () => {
      const { focus } = await awayFromSession(25, 120);
      const stopped = await focus.stop();
      assert.equal(stopped.state, 'completed');
      assert.equal(stopped.actualSeconds, 15 * 60);
    });

    it('lets a break the user walks away from run to its end', async () => {
      fx.settings.autoPauseIdleMinutes = 5;
      const focus = await fx.window();
      fx.lastActivity = fx.clock.now();
      await focus.startBreak({ long: true, minutes: 15 });
      fx.clock.advanceMinutes(16);
      const changes = await focus.tick();
      assert.deepEqual(changes.map((c) => c.reason), ['completed']);
      assert.equal(changes[0].session!.actualSeconds, 15 * 60);
    });

    it('counts its own commands as activity', async () => {
      fx.settings.autoPauseIdleMinutes = 5;
      const focus = await fx.window();
      await focus.start({ minutes: 60 });
      fx.clock.advanceMinutes(4);
      assert.deepEqual(await focus.tick(), []);
    });
  });

  it('lets a window wait past the due time, so another window can complete the session; it still ends at its due time', async () => {
    const focused = await fx.window();
    const behind = await fx.window();
    const started = await focused.start({ minutes: 25 });
    fx.clock.advanceMinutes(25);
    fx.clock.advance(1_000);
    assert.deepEqual(await behind.tick({ completeAfterMs: 2_000 }), [], 'the window behind leaves it for now');
    const completed = await focused.tick();
    assert.deepEqual(completed.map((c) => c.reason), ['completed']);
    fx.clock.advance(2_000);
    assert.deepEqual(await behind.tick({ completeAfterMs: 2_000 }), [], 'nothing left to complete');

    await behind.start({ minutes: 25 });
    fx.clock.advanceMinutes(25);
    fx.clock.advance(2_000);
    const alone = await behind.tick({ completeAfterMs: 2_000 });
    assert.deepEqual(alone.map((c) => c.reason), ['completed'], 'with no focused window it completes after the wait');
    assert.equal(alone[0].session!.endTime, toIso(Date.parse(alone[0].session!.startTime) + 25 * min));
    assert.equal(completed[0].session!.id, started.id);
  });

  it('says when a start would be refused: a focus session running or paused, not yet due', async () => {
    const focus = await fx.window();
    assert.strictEqual(focus.refusesStart(), false, 'nothing running');
    await focus.startBreak({ minutes: 5 });
    assert.strictEqual(focus.refusesStart(), false, 'a break gives way to focus');
    await focus.start({ minutes: 25 });
    assert.strictEqual(focus.refusesStart(), true);
    await focus.pause();
    assert.strictEqual(focus.refusesStart(), true, 'paused');
    await focus.resume();
    fx.clock.advanceMinutes(25);
    assert.strictEqual(focus.refusesStart(), false, 'due: a start completes it first');
    const started = await focus.start({ minutes: 30 });
    assert.strictEqual(started.plannedMinutes, 30);
  });

  it('keeps the focus done so far when the clock is set back while a session runs untouched', async () => {
    const focus = await fx.window();
    const other = await fx.window();
    await focus.start({ minutes: 25 });
    for (let i = 0; i < 10; i++) {
      fx.clock.advanceMinutes(1);
      await focus.tick();
      await other.tick();
    }
    fx.clock.advanceMinutes(-60);
    await focus.tick();
    await other.tick();
    assert.strictEqual(remainingSeconds(focus.current()!, fx.clock.now()), 15 * 60, 'moved back once, by the hour the clock went back');
    fx.clock.advanceMinutes(15);
    assert.deepStrictEqual((await focus.tick()).map((c) => c.reason), ['completed']);
  });

  it('credits nothing for a clock put forward by mistake and then corrected', async () => {
    const focus = await fx.window();
    await focus.start({ minutes: 120 });
    for (let i = 0; i < 10; i++) {
      fx.clock.advanceMinutes(1);
      await focus.tick();
    }
    fx.clock.setBy(30 * 60_000);
    await focus.tick();
    fx.clock.advanceSeconds(2);
    fx.clock.setBy(-30 * 60_000);
    await focus.tick();
    assert.strictEqual(remainingSeconds(focus.current()!, fx.clock.now()), 110 * 60 - 2, 'ten minutes and two seconds of focus, no more');
  });

  it('keeps the focus done so far when the clock is set back during a session', async () => {
    const focus = await fx.window();
    await focus.start({ minutes: 25 });
    fx.clock.advanceMinutes(10);
    await focus.pause();
    fx.clock.advanceMinutes(-60);
    assert.equal(remainingSeconds(focus.current()!, fx.clock.now()), 15 * 60, 'still 15 minutes left while paused');
    await focus.resume();
    fx.clock.advanceMinutes(5);
    assert.equal(remainingSeconds(focus.current()!, fx.clock.now()), 10 * 60);
    const stopped = await focus.stop();
    assert.equal(stopped.actualSeconds, 15 * 60);
    assert.ok(stopped.endTime! > stopped.startTime, 'it ends after it started');
  });

  it('reports today and this week as totals of completed focus time', async () => {
    const focus = await fx.window();
    await focus.start({ minutes: 25 });
    fx.clock.advanceMinutes(25);
    await focus.tick();
    fx.clock.advanceMinutes(24 * 60); // Tuesday: Monday's session is this week's but not today's
    await focus.start({ minutes: 50 });
    fx.clock.advanceMinutes(30);
    await focus.stop();
    await focus.start({ minutes: 10 });
    fx.clock.advanceMinutes(1);
    await focus.cancel();
    const h = focus.history();
    assert.deepEqual(h.today, { sessions: 1, focusSeconds: 30 * 60 });
    assert.deepEqual(h.week, { sessions: 2, focusSeconds: 55 * 60 });
    assert.equal(h.recent.length, 3);
    assert.equal(h.recent[0].state, 'cancelled', 'newest first');
  });
});
