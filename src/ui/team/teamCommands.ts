import * as vscode from 'vscode';
import type { MemberRecord, MemberRole } from '../../core/models';
import { TeamError, type TeamErrorCode } from '../../core/team/teamErrors';
import { assignableRoles } from '../../core/team/teamTree';
import type { MemberTarget, TeamService, TeamSummary } from '../../core/team/teams';
import { type Feedback, guarded } from '../commandErrors';
import { shown } from '../shown';

export const teamCommandIds = [
  'focusflow.createTeam',
  'focusflow.joinTeam',
  'focusflow.copyInviteCode',
  'focusflow.rotateInviteCode',
  'focusflow.leaveTeam',
  'focusflow.switchTeam',
  'focusflow.getTeamMembers',
  'focusflow.changeMemberRole',
  'focusflow.removeMember',
] as const;

/** The next step offered with each kind of refusal. */
const nextSteps: Partial<Record<TeamErrorCode, { label: string; command: string }[]>> = {
  'not-connected': [{ label: 'Connect…', command: 'focusflow.connectTeam' }],
  'no-team': [
    { label: 'Create Team', command: 'focusflow.createTeam' },
    { label: 'Join Team', command: 'focusflow.joinTeam' },
  ],
  'wrong-code': [{ label: 'Enter Another Code', command: 'focusflow.joinTeam' }],
  'last-owner': [{ label: 'Change Member Role', command: 'focusflow.changeMemberRole' }],
  self: [{ label: 'Leave Team', command: 'focusflow.leaveTeam' }],
};

/**
 * Team commands. Each takes an argument object (or the Team view node it was invoked on), asks only
 * for what is missing, and resolves to a plain result; a refusal becomes a message with a next step and
 * the command resolves to undefined. `signedIn` resolves once a sign-in being restored at start has
 * finished (or its wait ran out).
 */
export function registerTeamCommands(teams: TeamService, feedback: Feedback, signedIn: () => Promise<unknown>): vscode.Disposable {
  const run = <T>(body: () => Promise<T | undefined>) =>
    guarded(feedback, async () => {
      try {
        // A command run while the window is still signing back in answers for the account it restores.
        await signedIn();
        return await body();
      } catch (err) {
        if (!(err instanceof TeamError)) throw err;
        feedback.logger.info(`Refused: ${err.message}`);
        const steps = nextSteps[err.code] ?? [];
        void vscode.window.showWarningMessage(`FocusFlow: ${shown(err.message)}`, ...steps.map((s) => s.label)).then((picked) => {
          const step = steps.find((s) => s.label === picked);
          if (step) void vscode.commands.executeCommand(step.command, ...(err.teamId ? [{ teamId: err.teamId }] : []));
        });
        return undefined;
      }
    });

  const handlers: Record<(typeof teamCommandIds)[number], (arg?: unknown) => Promise<unknown>> = {
    'focusflow.createTeam': (arg) =>
      run<TeamSummary>(async () => {
        const name =
          text(arg, 'name') ??
          (await vscode.window.showInputBox({
            title: 'FocusFlow: Create Team',
            prompt: 'Team name (teammates see it)',
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim().length >= 1 && v.trim().length <= 100 ? undefined : 'Use 1 to 100 characters.'),
          }));
        if (name === undefined) return undefined;
        const team = await asking('creating the team', () => teams.createTeam(name));
        offerCopy(`FocusFlow: created "${shown(team.name)}"; you are its owner. Teammates join with the invite code ${shown(team.inviteCode)}.`, team.inviteCode);
        return team;
      }),

    'focusflow.joinTeam': (arg) =>
      run<TeamSummary>(async () => {
        const code =
          text(arg, 'inviteCode') ??
          (await vscode.window.showInputBox({
            title: 'FocusFlow: Join Team',
            prompt: 'Invite code from a teammate (owners and admins find it in the Team view)',
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim().length >= 12 ? undefined : 'An invite code has at least 12 characters.'),
          }));
        if (code === undefined) return undefined;
        const team = await asking('joining the team', () => teams.joinTeam(code));
        void vscode.window.showInformationMessage(`FocusFlow: you joined "${shown(team.name)}" as ${team.role.toLowerCase()}. It is now your active team.`);
        return team;
      }),

    'focusflow.copyInviteCode': (arg) =>
      run<string>(async () => {
        const { teamId, inviteCode } = await asking('reading the invite code', () => teams.inviteCode(text(arg, 'teamId')));
        await vscode.env.clipboard.writeText(inviteCode);
        void vscode.window.showInformationMessage(`FocusFlow: invite code of "${shown(nameOf(teams, teamId))}" copied (${shown(inviteCode)}).`);
        return inviteCode;
      }),

    'focusflow.rotateInviteCode': (arg) =>
      run<string>(async () => {
        const target = teams.teamOf(text(arg, 'teamId'));
        if (!confirmed(arg)) {
          const answer = await vscode.window.showWarningMessage(
            `Give "${shown(nameOf(teams, target))}" a new invite code? The current code stops working at once, also in invitations already sent.`,
            { modal: true },
            'New Invite Code',
          );
          if (answer !== 'New Invite Code') return undefined;
        }
        const { teamId, inviteCode } = await asking('making a new invite code', () => teams.rotateInviteCode(target));
        offerCopy(`FocusFlow: "${shown(nameOf(teams, teamId))}" has a new invite code, ${shown(inviteCode)}. The old one no longer works.`, inviteCode);
        return inviteCode;
      }),

    'focusflow.leaveTeam': (arg) =>
      run(async () => {
        const teamId = teams.teamOf(text(arg, 'teamId'));
        if (!confirmed(arg)) {
          const answer = await vscode.window.showWarningMessage(
            `Leave "${shown(nameOf(teams, teamId))}"? You stop seeing the team. Sessions you already shared stay visible to it; to join again you need a current invite code.`,
            { modal: true },
            'Leave Team',
          );
          if (answer !== 'Leave Team') return undefined;
        }
        const left = await asking('leaving the team', () => teams.leaveTeam(teamId));
        void vscode.window.showInformationMessage(`FocusFlow: you left "${shown(left.name)}".`);
        return left;
      }),

    'focusflow.switchTeam': (arg) =>
      run<TeamSummary>(async () => {
        const teamId = text(arg, 'teamId') ?? (await pickTeam(teams));
        if (teamId === undefined) return undefined;
        return asking('switching teams', () => teams.switchTeam(teamId));
      }),

    'focusflow.getTeamMembers': (arg) => run<MemberRecord[]>(async () => (await teams.members(text(arg, 'teamId'))).members),

    'focusflow.changeMemberRole': (arg) =>
      run<MemberRecord>(async () => {
        const picked = await memberTarget(teams, arg, 'Change Member Role');
        if (!picked) return undefined;
        const role = (isNode(arg) ? undefined : text(arg, 'role')) ?? (await pickRole(teams, picked));
        if (role === undefined) return undefined;
        const updated = await asking('changing the role', () => teams.changeMemberRole(picked.target, role));
        void vscode.window.showInformationMessage(`FocusFlow: ${shown(updated.email ?? 'the member')} is now ${updated.role.toLowerCase()}.`);
        return updated;
      }),

    'focusflow.removeMember': (arg) =>
      run<MemberRecord>(async () => {
        const picked = await memberTarget(teams, arg, 'Remove Member');
        if (!picked) return undefined;
        if (!confirmed(arg)) {
          const who = shown(picked.member?.email ?? 'this member');
          const answer = await vscode.window.showWarningMessage(
            `Remove ${who} from the team? They stop seeing it at once; sessions they shared stay visible to the team.`,
            { modal: true },
            'Remove',
          );
          if (answer !== 'Remove') return undefined;
        }
        const removed = await asking('removing the member', () => teams.removeMember(picked.target));
        void vscode.window.showInformationMessage(`FocusFlow: ${shown(removed.email ?? 'the member')} was removed from the team.`);
        return removed;
      }),
  };
  return vscode.Disposable.from(...teamCommandIds.map((id) => vscode.commands.registerCommand(id, handlers[id])));
}

/** Team commands wait on the server, up to its timeout when it is slow: show that they are under way. */
function asking<T>(what: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `FocusFlow: ${what}…` }, task));
}

/** A string field of the argument object (or of the Team view node the command was invoked on). */
function text(arg: unknown, key: string): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const value = (arg as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Team view nodes carry a `kind`; argument objects do not. */
function isNode(arg: unknown): boolean {
  return text(arg, 'kind') !== undefined;
}

function confirmed(arg: unknown): boolean {
  return typeof arg === 'object' && arg !== null && (arg as Record<string, unknown>).confirm === true;
}

function nameOf(teams: TeamService, teamId: string): string {
  return teams.teams().find((t) => t.id === teamId)?.name ?? 'the team';
}

function offerCopy(message: string, inviteCode: string): void {
  void vscode.window.showInformationMessage(message, 'Copy').then((picked) => {
    if (picked) void vscode.env.clipboard.writeText(inviteCode);
  });
}

async function pickTeam(teams: TeamService): Promise<string | undefined> {
  // The server may know teams joined on another machine; offline, the local list has to do.
  const list = await asking('reading your teams', () => teams.refreshMyTeams().catch(() => teams.teams()));
  if (list.length === 0) throw new TeamError('no-team', 'You are not in a team yet. Create one or join one with an invite code.');
  // The active team goes last, so the item selected on open (and Enter) is a team to switch to.
  const ordered = [...list.filter((t) => !t.active), ...list.filter((t) => t.active)];
  const picked = await vscode.window.showQuickPick(
    ordered.map((t) => ({ label: shown(t.name), description: `${t.role}${t.active ? ' · active' : ''}`, teamId: t.id })),
    { title: 'FocusFlow: Switch Active Team', placeHolder: 'Shared sessions and the Activity view follow the active team' },
  );
  return picked?.teamId;
}

interface PickedMember {
  target: MemberTarget;
  member?: MemberRecord;
  /** The user's own role in that team. */
  myRole: MemberRole;
}

/** The member a role change or removal is about: from the argument, or picked among those the user may manage. */
async function memberTarget(teams: TeamService, arg: unknown, title: string): Promise<PickedMember | undefined> {
  const teamId = text(arg, 'teamId');
  const memberId = text(arg, 'memberId');
  const userId = text(arg, 'userId');
  const { members } = await asking('reading the members', () => teams.members(teamId));
  const me = teams.userId;
  const myRole = members.find((m) => m.user_id === me)?.role ?? 'Member';
  if (memberId !== undefined || userId !== undefined) {
    const target: MemberTarget = { ...(teamId ? { teamId } : {}), ...(memberId ? { memberId } : {}), ...(userId ? { userId } : {}) };
    const known = members.find((m) => m.id === memberId || m.user_id === userId);
    return { target, myRole, ...(known ? { member: known } : {}) };
  }
  const choices = members.filter((m) => assignableRoles(myRole, m.role, m.user_id === me).length > 0);
  if (choices.length === 0) {
    throw new TeamError('forbidden', myRole === 'Member' ? 'Only owners and admins manage members. Ask an owner of the team.' : 'There is nobody in the team your role lets you manage.');
  }
  const picked = await vscode.window.showQuickPick(
    choices.map((m) => ({ label: shown(m.email ?? `User ${m.user_id.slice(0, 8)}`), description: m.role, member: m })),
    { title: `FocusFlow: ${title}`, placeHolder: 'Which member?' },
  );
  return picked && { target: { teamId: picked.member.team_id, memberId: picked.member.id }, member: picked.member, myRole };
}

async function pickRole(teams: TeamService, picked: PickedMember): Promise<MemberRole | undefined> {
  const current = picked.member?.role ?? 'Member';
  const roles = assignableRoles(picked.myRole, current, picked.member?.user_id === teams.userId);
  if (roles.length === 0) throw new TeamError('forbidden', 'Your role does not let you change this member’s role. Ask an owner of the team.');
  const choice = await vscode.window.showQuickPick(
    roles.map((r) => ({ label: r, description: r === current ? 'current role' : roleHint[r], role: r })),
    { title: `FocusFlow: Change the role of ${shown(picked.member?.email ?? 'this member')}` },
  );
  return choice?.role;
}

const roleHint: Record<MemberRole, string> = {
  Owner: 'manages everything, including other owners',
  Admin: 'manages members and the invite code',
  Member: 'sees the team and shares sessions',
};
