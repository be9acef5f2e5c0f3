import type { TokenStore, Tokens } from '../../src/core/trailbase';

/** The token store contract of VS Code SecretStorage, kept in memory, for clients that tests sign in. */
export class MemoryTokenStore implements TokenStore {
  tokens: Tokens | undefined;

  async load(): Promise<Tokens | undefined> {
    return this.tokens;
  }

  async save(tokens: Tokens | undefined): Promise<void> {
    this.tokens = tokens;
  }
}
