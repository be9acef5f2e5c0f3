import type { Clock } from '../../../src/core/clock';

/** A clock the test moves by hand; starts at a fixed instant so failures reproduce. */
export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2026-03-02T09:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  advanceMinutes(min: number): void {
    this.ms += min * 60_000;
  }
  advanceSeconds(sec: number): void {
    this.ms += sec * 1000;
  }
}
