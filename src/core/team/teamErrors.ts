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
  ) {
    super(message);
    this.name = new.target.name;
  }
}
