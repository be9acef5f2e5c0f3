import type { Migration } from './migration';

/**
 * Whose change a queued operation is: the local id of the user it belongs to, or NULL for changes
 * anyone signed in may send. A queue filled by one account is held, not sent (and refused as someone
 * else's) while another account is connected on this machine. Shared sessions already queued get
 * their user.
 */
export const syncQueueOwner: Migration = {
  version: 4,
  name: 'sync queue owner',
  up(db) {
    db.exec(`
      ALTER TABLE sync_queue ADD COLUMN owner TEXT;
      UPDATE sync_queue SET owner = json_extract(payload, '$.user_id') WHERE entity_type = 'shared_session';
    `);
  },
};
