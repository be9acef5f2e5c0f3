import type { Clock } from '../clock';
import { Emitter, type Event } from '../events';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { hostOf, serverUrlText, type AuthState, type PendingSignIn, type TrailBaseClient } from '../trailbase';
import { deleteConnectionRow, readConnectionRow, saveConnectionRow, setActiveTeamInRow, type ConnectionRow } from './connectionRow';

/** The signed-in link to a team server, as the `team_connection` row keeps it (never any secret). */
export interface Connection {
  serverUrl: string;
  userId: string;
  email?: string;
  connectedAt: number;
  /** The active team, once the user has created, joined or switched to one. */
  teamId?: string;
}

export type ConnectionState =
  | { status: 'disconnected' }
  /** Signing back in from stored tokens at start (reading the keychain can take a while): not a sign-out. */
  | { status: 'restoring'; serverUrl: string }
  | { status: 'connected'; connection: Connection; client: TrailBaseClient }
  /** The row is there but the session is gone (refresh refused, secrets lost): sign in again. */
  | { status: 'signed-out'; serverUrl: string; email?: string; reason: string };

/**
 * Connect, restore and disconnect. The database holds only the server URL, user and active team; the
 * tokens go to the client's token store (VS Code SecretStorage in the extension).
 */
export class ConnectionService {
  private current: ConnectionState = { status: 'disconnected' };
  private readonly changes = new Emitter<ConnectionState>();
  readonly onDidChange: Event<ConnectionState> = this.changes.event;
  private authListener: { dispose(): void } | undefined;
  private readonly storeListener: { dispose(): void };
  /** `connected_at` of the last sign-in of another window that this one took over. */
  private followedSignIn: number | undefined;
  /** Bumped by every connect, disconnect and restore, so a restore overtaken by one of them drops its result. */
  private generation = 0;
  private latestRestore: { generation: number; run: Promise<ConnectionState> } | undefined;

  constructor(
    private readonly o: {
      store: Store;
      logger: Logger;
      clock: Clock;
      /** Builds a client whose token store belongs to that server. */
      createClient(serverUrl: string): TrailBaseClient;
    },
  ) {
    this.storeListener = o.store.onDidChange((change) => {
      if (change.origin === 'external') void this.followOtherWindow().catch((err: unknown) => o.logger.warn(`Could not follow the connection of another window: ${(err as Error).message}`));
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The client while connected, for sync and team features. */
  get client(): TrailBaseClient | undefined {
    return this.current.status === 'connected' ? this.current.client : undefined;
  }

  /**
   * The state once a sign-in being restored has finished, or after `timeoutMs` at the latest (the
   * state then still says `restoring`). Commands wait on this, so one called while the window starts
   * answers as the user is, signed in, instead of as if signed out.
   */
  async settled(timeoutMs: number): Promise<ConnectionState> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      // A newer restore may overtake the one awaited (another window signed in): wait for that too.
      while (this.current.status === 'restoring' && this.latestRestore) {
        const run = this.latestRestore.run;
        const finished = await Promise.race([run.then(() => true, () => true), timedOut.then(() => false)]);
        if (!finished || this.latestRestore.run === run) break;
      }
    } finally {
      clearTimeout(timer);
    }
    return this.current;
  }

  /** Signs back in from stored tokens at start, with no prompt and no network request. */
  restore(): Promise<ConnectionState> {
    const generation = ++this.generation;
    const run = this.restoreAs(generation);
    this.latestRestore = { generation, run };
    return run;
  }

  private async restoreAs(generation: number): Promise<ConnectionState> {
    const row = this.readRow();
    if (!row) return this.set({ status: 'disconnected' });
    if (this.current.status !== 'connected') this.set({ status: 'restoring', serverUrl: row.server_url });
    const client = this.o.createClient(row.server_url);
    let auth: AuthState | undefined;
    try {
      auth = await client.restore();
    } catch (err) {
      if (generation !== this.generation) throw err;
      return this.set({
        status: 'signed-out',
        serverUrl: row.server_url,
        reason: `FocusFlow could not read your stored sign-in for ${hostOf(row.server_url)} (${(err as Error).message}). Run "FocusFlow: Connect to Team Server" to sign in again.`,
      });
    }
    if (generation !== this.generation) {
      // Overtaken: a newer restore answers for this one too; after a connect or disconnect, its outcome stands.
      const newer = this.latestRestore;
      return newer && newer.generation > generation ? newer.run : this.current;
    }
    if (!auth || (row.user_id && auth.user.id !== row.user_id)) {
      return this.set({
        status: 'signed-out',
        serverUrl: row.server_url,
        reason: `Your session with ${hostOf(row.server_url)} ended. Run "FocusFlow: Connect to Team Server" to sign in again.`,
      });
    }
    return this.adopt(client, auth, row);
  }

  /**
   * Signs in and keeps the connection. The client proves the whole sign-in reply (the user id included)
   * before anything here changes: a refused reply leaves the row, the stored tokens and the state as they were.
   * An account with a second factor needs `totp` (the 6-digit code); without it this throws
   * SecondFactorRequiredError, whose `pending` goes to `completeSignIn`.
   */
  async connect(serverUrl: string, email: string, password: string, totp?: string): Promise<Connection> {
    const url = serverUrlText(serverUrl);
    const client = this.o.createClient(url);
    return this.adoptSignIn(url, client, await client.login(email.trim(), password, totp));
  }

  /** Finishes a sign-in that stopped at its second factor. */
  async completeSignIn(pending: PendingSignIn, totp: string): Promise<Connection> {
    const url = serverUrlText(pending.serverUrl);
    const client = this.o.createClient(url);
    return this.adoptSignIn(url, client, await client.completeSignIn(pending, totp));
  }

  private async adoptSignIn(url: string, client: TrailBaseClient, auth: AuthState): Promise<Connection> {
    const previous = this.readRow();
    const sameAccount = previous?.server_url === url && previous.user_id === auth.user.id;
    const row: ConnectionRow = {
      server_url: url,
      user_id: auth.user.id,
      team_id: sameAccount ? previous.team_id : null,
      connected_at: this.o.clock.now(),
    };
    try {
      await this.o.store.write((db) => saveConnectionRow(db, row));
    } catch (err) {
      // No row, no connection: the session just begun must not outlive it.
      await this.endServerSession(client);
      throw err;
    }
    const old = this.client;
    if (old && old !== client && !sameAccount) {
      // The old account's sign-out is not this connection's: it must not show as one.
      this.authListener?.dispose();
      this.authListener = undefined;
      await this.endServerSession(old);
    }
    this.o.logger.info(`Connected to ${hostOf(url)} as ${auth.user.email ?? auth.user.id}.`);
    this.generation++;
    const state = this.adopt(client, auth, row);
    return (state as Extract<ConnectionState, { status: 'connected' }>).connection;
  }

  async register(serverUrl: string, email: string, password: string): Promise<{ message: string }> {
    const client = this.o.createClient(serverUrlText(serverUrl));
    return client.register(email.trim(), password);
  }

  /** Signs out on the server when it can be reached, forgets the secrets and the row, keeps all local data. */
  async disconnect(): Promise<{ serverSessionEnded: boolean }> {
    this.generation++;
    // Ending the session here makes the client report it gone: that is this sign-out, not the server's.
    this.authListener?.dispose();
    this.authListener = undefined;
    const s = this.current;
    let client = this.client;
    if (!client && s.status !== 'disconnected' && s.status !== 'connected') {
      // Still restoring, or signed out: the stored tokens may still hold a session to end, and must go.
      client = this.o.createClient(s.serverUrl);
      await client.restore().catch(() => undefined);
    }
    const result = client ? await this.endServerSession(client) : { serverSessionEnded: false };
    try {
      await this.o.store.write(deleteConnectionRow);
    } catch (err) {
      // The session is over either way; the row stays, so the next window start offers to sign in again.
      if (s.status !== 'disconnected') {
        const email = s.status === 'connected' ? s.connection.email : s.status === 'signed-out' ? s.email : undefined;
        const serverUrl = s.status === 'connected' ? s.connection.serverUrl : s.serverUrl;
        this.set({ status: 'signed-out', serverUrl, email, reason: `You signed out of ${hostOf(serverUrl)}. Run "FocusFlow: Connect to Team Server" to sign in again.` });
      }
      throw err;
    }
    this.set({ status: 'disconnected' });
    return result;
  }

  /** Makes `teamId` the active team of this connection. */
  async setActiveTeam(teamId: string | undefined): Promise<void> {
    await this.o.store.write((db) => setActiveTeamInRow(db, teamId));
    if (this.current.status === 'connected') {
      this.set({ ...this.current, connection: { ...this.current.connection, teamId } });
    }
  }

  /** Operations still waiting to reach the server (disconnecting asks first when there are any). */
  queuedOperations(): number {
    return this.o.store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM sync_queue')?.n ?? 0);
  }

  dispose(): void {
    this.storeListener.dispose();
    this.authListener?.dispose();
    this.changes.dispose();
  }

  /**
   * Every window shares the connection row and the secrets, so when another window connects, switches
   * team or disconnects, this one follows instead of syncing as the old account or into the old team.
   */
  private async followOtherWindow(): Promise<void> {
    const row = this.readRow();
    const s = this.current;
    if (!row) {
      if (s.status === 'disconnected') return;
      this.authListener?.dispose();
      this.authListener = undefined;
      this.set({ status: 'disconnected' });
      return;
    }
    if (s.status === 'connected' && s.connection.serverUrl === row.server_url && s.connection.userId === row.user_id) {
      const { teamId: _old, ...rest } = s.connection;
      const connection: Connection = row.team_id ? { ...rest, teamId: row.team_id } : rest;
      if (s.connection.teamId !== connection.teamId) this.set({ ...s, connection });
      return;
    }
    // Another account, or a sign-in while this window was signed out: take it from the shared secrets,
    // once per new sign-in (other windows write the database all the time).
    if (row.connected_at === this.followedSignIn) return;
    this.followedSignIn = row.connected_at;
    await this.restore();
  }

  private async endServerSession(client: TrailBaseClient): Promise<{ serverSessionEnded: boolean }> {
    try {
      return await client.logout();
    } catch (err) {
      this.o.logger.warn(`Signing out on the server failed; signed out here anyway: ${(err as Error).message}`);
      return { serverSessionEnded: false };
    }
  }

  private adopt(client: TrailBaseClient, auth: AuthState, row: ConnectionRow): ConnectionState {
    this.authListener?.dispose();
    this.authListener = client.onAuthChange((next) => {
      if (next || this.client !== client) return;
      this.set({
        status: 'signed-out',
        serverUrl: row.server_url,
        email: auth.user.email,
        reason: `The server ended your session with ${hostOf(row.server_url)}. Run "FocusFlow: Connect to Team Server" to sign in again.`,
      });
    });
    const connection: Connection = {
      serverUrl: row.server_url,
      userId: auth.user.id,
      connectedAt: row.connected_at,
      ...(auth.user.email ? { email: auth.user.email } : {}),
      ...(row.team_id ? { teamId: row.team_id } : {}),
    };
    return this.set({ status: 'connected', connection, client });
  }

  private readRow(): ConnectionRow | undefined {
    return this.o.store.read(readConnectionRow);
  }

  private set(state: ConnectionState): ConnectionState {
    this.current = state;
    this.changes.fire(state);
    return state;
  }
}
