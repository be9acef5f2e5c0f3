import type * as vscode from 'vscode';
import type { TokenStore, Tokens } from '../../core/trailbase';

/**
 * TrailBase tokens in VS Code SecretStorage (the OS keychain on desktop), one entry per server origin,
 * so they never touch the database, settings or logs, and every window and container of the same
 * VS Code profile finds them.
 */
export class SecretTokenStore implements TokenStore {
  private readonly key: string;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    serverUrl: string,
  ) {
    this.key = `focusflow.tokens:${new URL(serverUrl).origin}`;
  }

  async load(): Promise<Tokens | undefined> {
    const raw = await this.secrets.get(this.key);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<Tokens>;
      if (typeof parsed.authToken === 'string' && typeof parsed.refreshToken === 'string') return parsed as Tokens;
    } catch {
      // unreadable: treated as signed out below
    }
    await this.secrets.delete(this.key);
    return undefined;
  }

  async save(tokens: Tokens | undefined): Promise<void> {
    if (tokens) await this.secrets.store(this.key, JSON.stringify(tokens));
    else await this.secrets.delete(this.key);
  }
}
