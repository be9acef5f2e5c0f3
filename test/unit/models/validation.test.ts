import * as assert from 'assert';
import { uuidToBase64, uuidv7 } from '../../../src/core/ids';
import { createEntityRegistry, Member, SharedSession, Team } from '../../../src/core/models';
import { EntityValidationError } from '../../../src/core/entities/entity';
import { sharedSessionRecord } from '../sync/fixtures';

const team = {
  id: uuidv7(),
  remote_id: null,
  name: 'Compiler crew',
  invite_code: 'a1b2c3d4e5f6a7b8c9',
  created_by: uuidv7(),
  created_at: '2026-03-01T10:00:00.000Z',
  last_modified: '2026-03-01T10:00:00.000Z',
};
const member = {
  id: uuidv7(),
  remote_id: null,
  team_id: team.id,
  user_id: uuidv7(),
  role: 'Member',
  email: 'bob@example.com',
  joined_at: '2026-03-01T10:05:00.000Z',
  last_modified: '2026-03-01T10:05:00.000Z',
};

/** Each case: a record with one bad value, and the field the message must name. */
const cases: { model: string; parse: (r: unknown) => unknown; record: Record<string, unknown>; field: string; says: RegExp }[] = [
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { planned_duration_minutes: 0 }, field: 'planned_duration_minutes', says: /at least 1 minute/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { planned_duration_minutes: 1441 }, field: 'planned_duration_minutes', says: /at most 1440/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { planned_duration_minutes: 2.5 }, field: 'planned_duration_minutes', says: /whole minutes/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { start_time: 'yesterday' }, field: 'start_time', says: /ISO 8601/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { end_time: '2026-03-02T07:00:00.000Z' }, field: 'end_time', says: /before start_time/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { team_id: 'team-1' }, field: 'team_id', says: /UUID/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { sync_status: 'done' }, field: 'sync_status', says: /pending, synced or failed/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { completed: 1 }, field: 'completed', says: /true or false/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { actual_duration_seconds: -5 }, field: 'actual_duration_seconds', says: /negative/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { local_session_id: '' }, field: 'local_session_id', says: /empty/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { remote_session_id: uuidToBase64(uuidv7()) }, field: 'remote_session_id', says: /spelling of id/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { user_id: undefined }, field: 'user_id', says: /expected string/ },
  { model: 'shared_session', parse: SharedSession.fromRecord, record: { colour: 'blue' }, field: 'colour', says: /not a field of shared_session/ },
  { model: 'team', parse: Team.fromRecord, record: { name: '   ' }, field: 'name', says: /blank/ },
  { model: 'team', parse: Team.fromRecord, record: { name: 'x'.repeat(101) }, field: 'name', says: /at most 100/ },
  { model: 'team', parse: Team.fromRecord, record: { invite_code: 'abc' }, field: 'invite_code', says: /at least 12/ },
  { model: 'team', parse: Team.fromRecord, record: { created_by: 42 }, field: 'created_by', says: /expected string/ },
  { model: 'member', parse: Member.fromRecord, record: { role: 'owner' }, field: 'role', says: /Owner, Admin or Member/ },
  { model: 'member', parse: Member.fromRecord, record: { email: 'bob at example' }, field: 'email', says: /email address/ },
  { model: 'member', parse: Member.fromRecord, record: { joined_at: 1772442000000 }, field: 'joined_at', says: /ISO 8601/ },
];

const bases: Record<string, Record<string, unknown>> = { shared_session: { ...sharedSessionRecord() }, team, member };

describe('model validation', () => {
  for (const c of cases) {
    it(`${c.model}: ${describeChange(c.record)} is refused with a message naming ${c.field}`, () => {
      const record = { ...bases[c.model], ...c.record };
      assert.throws(
        () => c.parse(record),
        (err: unknown) => {
          assert.ok(err instanceof EntityValidationError, `expected EntityValidationError, got ${String(err)}`);
          assert.strictEqual(err.field, c.field);
          assert.strictEqual(err.entityType, c.model);
          assert.ok(err.message.startsWith(`${c.model}.${c.field}: `), err.message);
          assert.match(err.message, c.says);
          return true;
        },
      );
    });
  }

  it('validate() reports a field broken after construction, and nothing for a valid entity', () => {
    const session = SharedSession.fromRecord(sharedSessionRecord());
    assert.strictEqual(session.validate(), undefined);
    session.lastModified = 'not a time';
    const error = session.validate();
    assert.ok(error instanceof EntityValidationError);
    assert.strictEqual(error.field, 'last_modified');
  });

  it('refuses a malformed server row at the boundary, naming the field', () => {
    const definition = createEntityRegistry().get('shared_session');
    const remote = {
      ...SharedSession.fromRecord(sharedSessionRecord()).toRemote(),
      created_at: 1,
      updated_at: 2,
      deleted: 2,
    };
    assert.throws(() => definition.parseRemote(remote), (err: unknown) => err instanceof EntityValidationError && err.field === 'deleted');
    assert.throws(
      () => definition.parseRemote({ ...remote, deleted: 0, team: 'not-an-id' }),
      (err: unknown) => err instanceof EntityValidationError && err.field === 'team',
    );
  });
});

function describeChange(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([key, value]) => `${key} = ${value === undefined ? 'missing' : JSON.stringify(value).slice(0, 24)}`)
    .join(', ');
}
