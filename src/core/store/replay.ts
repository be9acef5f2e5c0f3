import type { JournalRecord } from './journalRecord';
import { quoteName } from './capture';
import type { SqlDb, SqlParam } from './sqlDb';

/**
 * Redoes one record on the image it was made on; the caller holds a transaction. Applying a record twice
 * gives the same rows as once (every change is a whole after-image or a deletion by rowid).
 * Triggers are set aside meanwhile: the rows they wrote at commit time are in the record already.
 */
export function applyRecord(db: SqlDb, record: JournalRecord): void {
  const triggers = db.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'");
  for (const t of triggers) db.exec(`DROP TRIGGER ${quoteName(t.name)}`);
  for (const [table, changes] of Object.entries(record.tables)) {
    const name = quoteName(table);
    for (const rowid of changes.deletes) db.run(`DELETE FROM ${name} WHERE rowid = ?`, [rowid]);
    if (!changes.upserts.length) continue;
    // OR REPLACE also removes a row the commit displaced through a unique key, which the hook never reports.
    const insert = `INSERT OR REPLACE INTO ${name} (rowid, ${changes.columns.map(quoteName).join(', ')}) VALUES (${changes.columns.map(() => '?').join(', ')}, ?)`;
    for (const row of changes.upserts) db.run(insert, row as SqlParam[]);
  }
  if (record.sequences) {
    db.run('DELETE FROM sqlite_sequence');
    for (const [name, seq] of record.sequences) db.run('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', [name, seq]);
  }
  for (const t of triggers) db.exec(t.sql);
}
