import * as vscode from 'vscode';
import type { Connection, ConnectionService } from '../../core/team/connection';
import { SecondFactorRequiredError, TrailBaseClient, isClientError, isEmailAddress, serverUrlText } from '../../core/trailbase';
import { type Feedback, guarded } from '../commandErrors';
import { completeWithCode } from './secondFactor';

export const connectCommandIds = ['focusflow.connectTeam', 'focusflow.createAccount', 'focusflow.disconnectTeam'] as const;

interface Credentials {
  email?: string;
  password?: string;
  /** The authenticator app's 6-digit code, for an account with two-factor sign-in. */
  totp?: string;
}

interface ConnectArgs {
  serverUrl?: string;
  credentials?: Credentials;
}

/** What `focusflow.connectTeam` resolves to. */
export interface ConnectResult {
  userId: string;
  email?: string;
  serverUrl: string;
  /** The active team (local id), when the user is in a team. */
  teamId?: string;
}

/**
 * Connect, create an account, disconnect. Each takes its inputs as an argument object and prompts only
 * for what is missing; failures become messages with a next step and the command resolves to undefined.
 */
export function registerConnectCommands(
  connections: ConnectionService,
  feedback: Feedback,
  /** Loads the user's teams and chooses the active one; resolves to its id. */
  afterSignIn: () => Promise<string | undefined>,
): vscode.Disposable {
  const run = <T>(body: () => Promise<T | undefined>) => guarded(feedback, body);
  return vscode.Disposable.from(
    vscode.commands.registerCommand('focusflow.connectTeam', (arg?: ConnectArgs) =>
      run<ConnectResult>(async () => {
        const input = await askForAccount(connections, arg, 'Connect to Team Server');
        if (!input) return undefined;
        const host = new URL(input.serverUrl).host;
        const signIn = async (): Promise<Connection> =>
          vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `FocusFlow: connecting to ${host}…` },
            () => connections.connect(input.serverUrl, input.email, input.password, arg?.credentials?.totp),
          );
        let connection: Connection | undefined;
        try {
          connection = await signIn();
        } catch (err) {
          // A caller that passed the password is a script: it gets the typed error rather than a prompt it cannot answer.
          if (!(err instanceof SecondFactorRequiredError) || arg?.credentials?.password !== undefined) throw err;
          connection = await completeWithCode(connections, err, signIn, 'Connect to Team Server');
          if (!connection) return undefined;
        }
        // Resolves once the connection is usable: a command called next finds the teams and the active one.
        const teamId = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `FocusFlow: loading your teams on ${host}…` },
          () => afterSignIn(),
        );
        void vscode.window.showInformationMessage(`FocusFlow: connected to ${new URL(connection.serverUrl).host} as ${connection.email ?? connection.userId}.`);
        return { userId: connection.userId, email: connection.email, serverUrl: connection.serverUrl, ...(teamId ? { teamId } : {}) };
      }),
    ),
    vscode.commands.registerCommand('focusflow.createAccount', (arg?: ConnectArgs) =>
      run<{ message: string }>(async () => {
        const input = await askForAccount(connections, arg, 'Create Account', true);
        if (!input) return undefined;
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `FocusFlow: creating your account on ${new URL(input.serverUrl).host}…` },
          () => connections.register(input.serverUrl, input.email, input.password),
        );
        void vscode.window.showInformationMessage(`FocusFlow: ${result.message}`, 'Connect').then((picked) => {
          if (picked) void vscode.commands.executeCommand('focusflow.connectTeam', { serverUrl: input.serverUrl, credentials: { email: input.email } });
        });
        return result;
      }),
    ),
    vscode.commands.registerCommand('focusflow.disconnectTeam', (arg?: { force?: boolean }) =>
      run<{ disconnected: boolean; serverSessionEnded: boolean }>(async () => {
        if (connections.state.status === 'disconnected') {
          void vscode.window.showInformationMessage('FocusFlow: not connected to a team server.');
          return { disconnected: false, serverSessionEnded: false };
        }
        const queued = connections.queuedOperations();
        if (queued > 0 && !arg?.force) {
          const answer = await vscode.window.showWarningMessage(
            `FocusFlow: ${queued} change${queued === 1 ? ' has' : 's have'} not reached the team server yet. They stay queued and are sent when you connect again with the same account.`,
            { modal: true },
            'Disconnect Anyway',
          );
          if (answer !== 'Disconnect Anyway') return undefined;
        }
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'FocusFlow: disconnecting…' },
          () => connections.disconnect(),
        );
        void vscode.window.showInformationMessage(
          result.serverSessionEnded
            ? 'FocusFlow: disconnected. Your focus history stays on this machine.'
            : 'FocusFlow: disconnected here; the server could not be told, so its session ends when it expires. Your focus history stays on this machine.',
        );
        return { disconnected: true, ...result };
      }),
    ),
  );
}

async function askForAccount(
  connections: ConnectionService,
  arg: ConnectArgs | undefined,
  title: string,
  confirmPassword = false,
): Promise<{ serverUrl: string; email: string; password: string } | undefined> {
  const state = connections.state;
  const known = state.status === 'connected' ? state.connection.serverUrl : state.status === 'disconnected' ? undefined : state.serverUrl;
  const serverUrl =
    arg?.serverUrl ??
    (await vscode.window.showInputBox({
      title: `FocusFlow: ${title}`,
      prompt: 'Address of your team\'s TrailBase server (https://…; http:// only for this machine)',
      placeHolder: 'https://focus.example.com',
      value: known,
      ignoreFocusOut: true,
      validateInput: (value) => validationMessage(() => TrailBaseClient.validateServerUrl(value.trim())),
    }));
  if (serverUrl === undefined) return undefined;
  const email =
    arg?.credentials?.email ??
    (await vscode.window.showInputBox({
      title: `FocusFlow: ${title}`,
      prompt: 'Email address',
      value: state.status === 'signed-out' ? state.email : undefined,
      ignoreFocusOut: true,
      validateInput: (value) => (isEmailAddress(value) ? undefined : 'Enter an email address, like ada@example.com.'),
    }));
  if (email === undefined) return undefined;
  const password =
    arg?.credentials?.password ??
    (await vscode.window.showInputBox({
      title: `FocusFlow: ${title}`,
      prompt: confirmPassword ? 'Choose a password (8 to 128 characters)' : 'Password',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (confirmPassword && (value.length < 8 || value.length > 128) ? 'Use 8 to 128 characters.' : undefined),
    }));
  if (password === undefined) return undefined;
  if (confirmPassword && arg?.credentials?.password === undefined) {
    const again = await vscode.window.showInputBox({
      title: `FocusFlow: ${title}`,
      prompt: 'Type the password again',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value === password ? undefined : 'The two passwords differ.'),
    });
    if (again === undefined) return undefined;
  }
  // Checked here too: an address passed as an argument never went through the input box's validation.
  const url = serverUrlText(serverUrl);
  return { serverUrl: url, email: email.trim(), password };
}

function validationMessage(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    return isClientError(err) ? err.message : (err as Error).message;
  }
}
