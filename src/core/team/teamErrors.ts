import { isClientError } from '../trailbase';

/**
 * Refusals of the team features. Each message says why and what to do instead; `code` lets the UI
 * offer the matching next step as a button (Connect, Create Team, Change Member Role…).
 */
export type TeamErrorCode =
  | 'not-connected' // no signed-in team server
  | 'no-team' // connected, but not in any team (or the named team is not one of yours)
  | 'bad-input' // a name or code that cannot be valid
  | 'wrong-code' // no team has this invite code
  | 'not-found' // the member is not (or no longer) in the team
  | 'forbidden' // the server's rules refuse it for your role
  | 'last-owner' // a team always keeps an owner
  | 'self'; // an action on your own membership that has its own command

export class TeamError extends Error {
  constructor(
    readonly code: TeamErrorCode,
    message: string,
    /** The team it is about, when the next step needs it (not always the active one). */
    readonly teamId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function lastOwner(name: string, othersInTeam: boolean, teamId: string): TeamError {
  return new TeamError(
    'last-owner',
    othersInTeam
      ? `You are the last owner of "${name}", and a team always keeps an owner. Make another member owner first (FocusFlow: Change Member Role), then leave.`
      : `You are the only member of "${name}", and a team always keeps an owner, so it cannot be left. Invite someone, make them owner, then leave.`,
    teamId,
  );
}

/** The server's 403 as a refusal that says which role is needed; other failures pass through. */
export function refusal(err: unknown, message: string, code: 'forbidden' | 'no-team' = 'forbidden'): unknown {
  if (isClientError(err) && ((err.kind === 'auth' && err.code === 'forbidden') || err.kind === 'not-found')) return new TeamError(code, message);
  return err;
}

export function isBadRequest(err: unknown): boolean {
  return isClientError(err) && err.kind === 'validation' && err.code === 'bad-request';
}

export function isOffline(err: unknown): boolean {
  return isClientError(err) && (err.kind === 'network' || (err.kind === 'server' && err.code === 'server-error') || err.kind === 'rate-limited');
}
