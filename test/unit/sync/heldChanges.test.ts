import * as assert from 'assert';
import { createEntityRegistry } from '../../../src/core/models';
import type { Store } from '../../../src/core/store';
import { heldLines, heldWho, noteAccount } from '../../../src/core/sync/heldChanges';
import { SyncQueue } from '../../../src/core/sync/queue';
import { FakeClock, openStore, sharedSession, TEAM_ID, USER_ID } from './fixtures';

const OTHER_USER = '0193f1a2-7c4d-7e8f-8a0b-112233445566';

describe('changes held for another account say whose sign-in they wait for', () => {
  let store: Store;
  const clock = new FakeClock();
  const registry = createEntityRegistry();
  /** This machine, now signed in as someone else than the one who shared. */
  const signedInAsOther = () => new SyncQueue({ registry, clock, owner: OTHER_USER });

  beforeEach(async () => {
    ({ store } = await openStore());
    // USER_ID shared two sessions here before signing out.
    const mine = new SyncQueue({ registry, clock, owner: USER_ID });
    await store.write((db) => [sharedSession(), sharedSession()].forEach((s) => mine.recordLocalChange(db, 'create', s)));
  });
  afterEach(async () => store.close());

  it('names the account by the email and server noted when it was signed in', async () => {
    await store.write((db) => noteAccount(db, USER_ID, { email: 'ada@example.com', serverUrl: 'https://focus.example.com' }));
    const stats = store.read((db) => signedInAsOther().stats(db));
    assert.strictEqual(stats.held, 2);
    assert.deepStrictEqual(stats.heldFor, [{ userId: USER_ID, email: 'ada@example.com', serverUrl: 'https://focus.example.com', count: 2 }]);
    assert.deepStrictEqual(heldLines(stats.heldFor), [
      '2 changes wait for ada@example.com to sign in to focus.example.com again: made while that account was signed in here, they are neither sent as you nor marked failed.',
    ]);
    assert.strictEqual(heldWho(stats.heldFor), 'ada@example.com');
  });

  it('falls back to a membership that names the account (changes queued before accounts were noted)', async () => {
    await store.write((db) =>
      db.run(`INSERT INTO members (id, team_id, user_id, role, email, joined_at, last_modified)
        VALUES ('m1', ?, ?, 'Owner', 'ada@example.com', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')`, [TEAM_ID, USER_ID]),
    );
    const [held] = store.read((db) => signedInAsOther().stats(db)).heldFor;
    assert.deepStrictEqual(held, { userId: USER_ID, email: 'ada@example.com', count: 2 });
    assert.match(heldLines([held])[0], /^2 changes wait for ada@example\.com to sign in again/);
  });

  it('says "another account" with the start of its id when nothing names it, and holds nothing for the owner itself', async () => {
    const stats = store.read((db) => signedInAsOther().stats(db));
    assert.deepStrictEqual(stats.heldFor, [{ userId: USER_ID, count: 2 }]);
    assert.match(heldLines(stats.heldFor)[0], /^2 changes wait for another account \(user 0193f1a2…\) to sign in again/);
    const own = store.read((db) => new SyncQueue({ registry, clock, owner: USER_ID }).stats(db));
    assert.deepStrictEqual([own.pending, own.held, own.heldFor], [2, 0, []]);
  });
});
