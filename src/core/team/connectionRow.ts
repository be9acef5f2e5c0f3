import type { SqlDb } from '../store';

/**
 * The one `team_connection` row every window shares: which server, user and active team this profile is
 * signed in to, and when that sign-in began. Never a secret: the tokens live in the client's token store.
 */
export interface ConnectionRow {
  server_url: string;
  team_id: string | null;
  user_id: string | null;
  connected_at: number;
}

const ROW_ID = 'default';

export function readConnectionRow(db: SqlDb): ConnectionRow | undefined {
  return db.get<ConnectionRow>('SELECT server_url, team_id, user_id, connected_at FROM team_connection WHERE id = ?', [ROW_ID]);
}

export function saveConnectionRow(db: SqlDb, row: ConnectionRow): void {
  db.run(
    `INSERT OR REPLACE INTO team_connection (id, server_url, team_id, user_id, api_key, connected_at)
     VALUES (?, ?, ?, ?, NULL, ?)`,
    [ROW_ID, row.server_url, row.team_id, row.user_id, row.connected_at],
  );
}

export function deleteConnectionRow(db: SqlDb): void {
  db.run('DELETE FROM team_connection WHERE id = ?', [ROW_ID]);
}

export function setActiveTeamInRow(db: SqlDb, teamId: string | undefined): void {
  db.run('UPDATE team_connection SET team_id = ? WHERE id = ?', [teamId ?? null, ROW_ID]);
}
