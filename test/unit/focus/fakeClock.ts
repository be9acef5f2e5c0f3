import type { Clock } from '../../../src/core/clock';

/**
 * A clock the test moves by hand; starts at a fixed instant so failures reproduce. Moving it forward is
 * time passing; moving it back is someone setting the clock (`elapsed` stays). `setBy` sets the wall
 * clock either way without time passing.
 */
export class FakeClock implements Clock {
  private passed = 0;
  constructor(private ms = Date.parse('2026-03-02T09:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  elapsed(): number {
    return this.passed;
  }
  advance(ms: number): void {
    this.ms += ms;
    if (ms > 0) this.passed += ms;
  }
  setBy(ms: number): void {
    this.ms += ms;
  }
  advanceMinutes(min: number): void {
    this.advance(min * 60_000);
  }
  advanceSeconds(sec: number): void {
    this.advance(sec * 1000);
  }
}
