// A signed-in user on their own machine (database file, connection, team service) for the team tests.
import { silentLogger } from '../../src/core/logger';
import { Store } from '../../src/core/store';
import { ConnectionService } from '../../src/core/team/connection';
import { TeamService } from '../../src/core/team/teams';
import { TrailBaseClient } from '../../src/core/trailbase';
import type { TestServer } from '../server/harness';
import { MemoryTokenStore } from '../support/memoryTokenStore';
import { tempDbFile } from '../support/bundleScript';
import { PASSWORD, uniqueEmail } from './helpers';
import { openStoreOnDisk } from '../../src/node/store/openStore';

export interface Machine {
  email: string;
  userId: string;
  store: Store;
  connection: ConnectionService;
  teams: TeamService;
  close(): Promise<void>;
}

/** A new user on a new machine, or (with `existing`) that user on another machine; `fetch` sees its requests. */
export async function signedInMachine(server: TestServer, prefix: string, existing?: string, o: { fetch?: typeof fetch } = {}): Promise<Machine> {
  const email = existing ?? uniqueEmail(prefix);
  if (!existing) await server.createVerifiedUser(email, PASSWORD);
  const { store } = await openStoreOnDisk({ file: tempDbFile(), logger: silentLogger });
  const tokens = new MemoryTokenStore();
  const connection = new ConnectionService({
    store,
    logger: silentLogger,
    clock: { now: () => Date.now() },
    createClient: (serverUrl) => new TrailBaseClient({ serverUrl, tokenStore: tokens, logger: silentLogger, retry: { retries: 0 }, ...(o.fetch ? { fetch: o.fetch } : {}) }),
  });
  const { userId } = await connection.connect(server.url, email, PASSWORD);
  const teams = new TeamService({ store, connection, logger: silentLogger });
  return {
    email,
    userId,
    store,
    connection,
    teams,
    async close() {
      teams.dispose();
      connection.dispose();
      await store.close();
    },
  };
}
