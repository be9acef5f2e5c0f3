import fc from 'fast-check';
import type { MemberRecord, SharedSessionRecord, TeamRecord } from '../../../src/core/models';

/** Valid records of every model, for round-trip properties. Times have millisecond precision, as stored. */
const isoTime = fc.date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2100-01-01T00:00:00.000Z'), noInvalidDate: true });
const id = fc.uuid({ version: 7 });

export const sharedSessionRecordArb: fc.Arbitrary<SharedSessionRecord> = fc
  .record({
    id,
    local_session_id: fc.oneof(id, fc.string({ minLength: 1, maxLength: 100 })),
    team_id: id,
    user_id: id,
    start: isoTime,
    durationMs: fc.option(fc.nat(48 * 3600_000), { nil: null }),
    planned_duration_minutes: fc.integer({ min: 1, max: 1440 }),
    actual_duration_seconds: fc.option(fc.nat(200_000), { nil: null }),
    completed: fc.boolean(),
    shared_at: fc.nat(4_102_444_800_000),
    last_modified: isoTime,
    sync_status: fc.constantFrom('pending' as const, 'synced' as const, 'failed' as const),
  })
  .map(({ start, durationMs, last_modified, ...rest }) => ({
    ...rest,
    remote_session_id: null,
    start_time: start.toISOString(),
    end_time: durationMs === null ? null : new Date(start.getTime() + durationMs).toISOString(),
    last_modified: last_modified.toISOString(),
  }));

// fc.record builds null-prototype objects; spreading gives the plain objects the models hand back.
export const teamRecordArb: fc.Arbitrary<TeamRecord> = fc.record({
  id,
  remote_id: fc.constant(null),
  name: fc.string({ minLength: 1, maxLength: 100 }).filter((n) => n.trim().length >= 1),
  invite_code: fc.stringMatching(/^[a-f0-9]{12,64}$/),
  created_by: id,
  created_at: isoTime.map((d) => d.toISOString()),
  last_modified: isoTime.map((d) => d.toISOString()),
}).map((r) => ({ ...r }));

export const memberRecordArb: fc.Arbitrary<MemberRecord> = fc.record({
  id,
  remote_id: fc.constant(null),
  team_id: id,
  user_id: id,
  role: fc.constantFrom('Owner' as const, 'Admin' as const, 'Member' as const),
  email: fc.option(fc.stringMatching(/^[a-z0-9]{1,12}@[a-z]{1,10}\.[a-z]{2,6}$/), { nil: null }),
  joined_at: isoTime.map((d) => d.toISOString()),
  last_modified: isoTime.map((d) => d.toISOString()),
}).map((r) => ({ ...r }));
