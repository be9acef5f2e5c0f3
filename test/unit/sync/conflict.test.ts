import * as assert from 'assert';
import { uuidv7 } from '../../../src/core/ids';
import { Member, SharedSession } from '../../../src/core/models';
import { resolveConflict, isConflictStrategy, CONFLICT_STRATEGIES } from '../../../src/core/sync/conflict';
import { sharedSessionRecord } from './fixtures';

const id = uuidv7();
const older = SharedSession.fromRecord(sharedSessionRecord({ id, actual_duration_seconds: 600, last_modified: '2026-03-02T09:00:00.000Z' }));
const newer = SharedSession.fromRecord(sharedSessionRecord({ id, actual_duration_seconds: 900, last_modified: '2026-03-02T09:05:00.000Z' }));

/** A session whose own merge keeps the longer focus time, whichever side has it: field-level merging. */
class LongestFocusSession extends SharedSession {
  override mergeWith(remote: SharedSession): SharedSession {
    const mine = this.toRecord();
    const theirs = remote.toRecord();
    const longer = (mine.actual_duration_seconds ?? 0) >= (theirs.actual_duration_seconds ?? 0) ? mine : theirs;
    const later = Date.parse(mine.last_modified) >= Date.parse(theirs.last_modified) ? mine : theirs;
    return SharedSession.fromRecord({ ...later, actual_duration_seconds: longer.actual_duration_seconds });
  }
}

describe('resolveConflict', () => {
  it('defaults to last-write-wins: the later edit is kept, from either side', () => {
    assert.strictEqual(resolveConflict(newer, older), newer);
    assert.strictEqual(resolveConflict(older, newer), newer);
    assert.strictEqual(resolveConflict(older, newer, 'LastWriteWins'), newer);
  });

  it('gives a tie to the server’s copy, so every client settles on the same version', () => {
    const sameTime = SharedSession.fromRecord({ ...older.toRecord(), actual_duration_seconds: 1 });
    assert.strictEqual(resolveConflict(older, sameTime), sameTime);
    assert.strictEqual(resolveConflict(sameTime, older), older);
  });

  it('compares instants, not text: the same instant written with more digits is still a tie', () => {
    const precise = SharedSession.fromRecord({ ...newer.toRecord(), last_modified: '2026-03-02T09:05:00.000000Z', actual_duration_seconds: 5 });
    assert.strictEqual(resolveConflict(newer, precise), precise);
  });

  it('keeps the local copy with LocalWins and the remote one with RemoteWins, whatever the times', () => {
    assert.strictEqual(resolveConflict(older, newer, 'LocalWins'), older);
    assert.strictEqual(resolveConflict(newer, older, 'RemoteWins'), older);
  });

  it('asks the entity with CustomMerge, which by default is last-write-wins', () => {
    assert.strictEqual(resolveConflict(older, newer, 'CustomMerge'), newer);
    assert.strictEqual(resolveConflict(newer, older, 'CustomMerge'), newer);
  });

  it('uses a model’s own mergeWith with CustomMerge', () => {
    const local = new LongestFocusSession({ ...newer.toRecord(), actual_duration_seconds: 300 });
    const merged = resolveConflict<SharedSession>(local, older, 'CustomMerge');
    assert.deepStrictEqual(
      [merged.lastModified, merged.toRecord().actual_duration_seconds],
      ['2026-03-02T09:05:00.000Z', 600],
    );
  });

  it('refuses two different records', () => {
    const other = SharedSession.fromRecord(sharedSessionRecord());
    assert.throws(() => resolveConflict(older, other), /two versions of one record/);
    const member = Member.fromRecord({
      id,
      remote_id: null,
      team_id: uuidv7(),
      user_id: uuidv7(),
      role: 'Member',
      email: null,
      joined_at: '2026-03-01T00:00:00.000Z',
      last_modified: '2026-03-01T00:00:00.000Z',
    });
    assert.throws(() => resolveConflict(older as never, member as never), /two versions of one record/);
  });

  it('knows the four strategies a setting may name, and nothing else', () => {
    assert.ok(CONFLICT_STRATEGIES.every(isConflictStrategy));
    assert.strictEqual(CONFLICT_STRATEGIES.length, 4);
    assert.strictEqual(isConflictStrategy('lastWriteWins'), false);
    assert.strictEqual(isConflictStrategy(undefined), false);
  });
});
