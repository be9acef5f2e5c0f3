import type { Event } from '../events';
import type { Logger } from '../logger';
import type { MemberRole } from '../models/member';
import type { Store } from '../store';
import type { ConnectionState } from './connection';

/** The part of `ConnectionService` the team features use. */
export interface TeamConnection {
  readonly state: ConnectionState;
  readonly onDidChange: Event<ConnectionState>;
  setActiveTeam(teamId: string | undefined): Promise<void>;
}

export interface TeamServiceOptions {
  store: Store;
  connection: TeamConnection;
  logger: Logger;
}

/** A team the user belongs to, with their role in it. Ids are the local (hyphenated UUID) spelling. */
export interface TeamSummary {
  id: string;
  name: string;
  inviteCode: string;
  role: MemberRole;
  active: boolean;
}

export type MembersSource = 'server' | 'local';
