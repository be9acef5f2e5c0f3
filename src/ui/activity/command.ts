import * as vscode from 'vscode';
import { getTeamActivity, type RangeDays, type TeamActivity } from '../../core/activity';
import { toLocalId } from '../../core/ids';
import type { Store } from '../../core/store';
import type { ConnectionState } from '../../core/team/connection';
import { isRangeDays } from '../../webview/protocol';
import { type Feedback, guarded } from '../commandErrors';
import { ACTIVITY_VIEW_ID, type ActivityViewProvider } from './provider';

export interface TeamActivityArgs {
  teamId?: string;
  rangeDays?: RangeDays;
  timeZone?: string;
}

async function pickRange(): Promise<RangeDays | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Last 7 days', rangeDays: 7 as const },
      { label: 'Last 30 days', rangeDays: 30 as const },
    ],
    { title: 'FocusFlow: Team Activity', placeHolder: 'Which days?' },
  );
  return picked?.rangeDays;
}

/**
 * `focusflow.getTeamActivity` → TeamActivity for the active team (or `teamId`), from the local copy, so
 * it answers offline too. Asks only for a missing range; run from the palette it also opens the view.
 */
export function registerTeamActivityCommand(
  store: Store,
  connection: { readonly state: ConnectionState },
  provider: ActivityViewProvider,
  feedback: Feedback,
  signedIn: () => Promise<unknown>,
): vscode.Disposable {
  return vscode.commands.registerCommand('focusflow.getTeamActivity', (arg?: TeamActivityArgs) =>
    guarded<TeamActivity>(feedback, async () => {
      // Called while the window signs back in, it answers for the restored account, not "connect first".
      await signedIn();
      const state = connection.state;
      const teamId = arg?.teamId ?? (state.status === 'connected' ? state.connection.teamId : undefined);
      if (!teamId) {
        const next = state.status === 'connected' ? 'Create Team' : 'Connect';
        void vscode.window
          .showInformationMessage('FocusFlow: team activity needs a team. Connect to a team server, then create or join a team.', next)
          .then((picked) => picked && vscode.commands.executeCommand(picked === 'Connect' ? 'focusflow.connectTeam' : 'focusflow.createTeam'));
        return undefined;
      }
      if (arg?.rangeDays !== undefined && !isRangeDays(arg.rangeDays)) {
        void vscode.window.showWarningMessage(`FocusFlow: rangeDays must be 7 or 30, not ${JSON.stringify(arg.rangeDays)}.`);
        return undefined;
      }
      const rangeDays = arg?.rangeDays ?? (await pickRange());
      if (!rangeDays) return undefined;
      const localTeamId = toLocalId(teamId);
      const activity = store.read((db) => getTeamActivity(db, { teamId: localTeamId, rangeDays, timeZone: arg?.timeZone }));
      if (!arg) {
        provider.showRange(rangeDays);
        void vscode.commands.executeCommand(`${ACTIVITY_VIEW_ID}.focus`);
      }
      return activity;
    }),
  );
}
