import { toLocalId as localIdOf } from '../ids';
import type { Store } from '../store';
import type { TrailBaseClient } from '../trailbase';
import type { RemoteMemberRow } from './memberRows';
import { TeamError } from './teamErrors';

/** What the parts of the team service share: the store, the session, team lookups, and "views, repaint". */
export interface TeamContext {
  store: Store;
  /** The signed-in client and user; throws a `TeamError` with the next step when there is none. */
  session(): { client: TrailBaseClient; me: string };
  /** The client while connected, without refusing. */
  connectedClient(): TrailBaseClient | undefined;
  /** The named team or the active one; throws a `TeamError` with the next step when there is none. */
  teamOf(teamId: string | undefined): string;
  teamName(teamId: string): string;
  /** The user's teams as the local tables know them. */
  teamIds(): string[];
  saveMembers(teamId: string, rows: readonly RemoteMemberRow[]): Promise<void>;
  /** The local team tables or the active team changed. */
  changed(): void;
}

/** Local ids are hyphenated UUIDs; TrailBase's base64 spelling is accepted too. */
export function toLocalId(id: string): string {
  try {
    return localIdOf(id);
  } catch {
    throw new TeamError('bad-input', `"${id}" is not a FocusFlow id.`);
  }
}
