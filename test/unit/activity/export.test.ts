import * as assert from 'assert';
import { crossedGoal, goalProgressText, sanitizeGoalMinutes } from '../../../src/core/activity';
import { ExportError, exportHistory, parseExportFormat } from '../../../src/core/focus/exportHistory';
import type { Store } from '../../../src/core/store';
import { insertLocalSession, seedLocalHistory } from './localSeed';
import { insertTeam, openTempStore } from './seed';
import { parseCsv } from '../../support/csv';


async function run(store: Store, options: Parameters<typeof exportHistory>[2]) {
  let text = '';
  let turns = 0;
  const rows = await exportHistory((fn) => store.read(fn), { write: async (t) => void (text += t) }, options, {
    yieldTurn: async () => void turns++,
  });
  return { rows, text, turns };
}

describe('Export Focus History', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTempStore();
  });
  afterEach(() => store.close());

  it('writes CSV a spreadsheet reads as it is: header, local times with offsets, quoted labels, formulas defused', async () => {
    await store.write((db) => {
      insertLocalSession(db, { start: '2026-03-10T08:00:00.000Z', spanMinutes: 25, label: 'Write, "review" and\nship' });
      insertLocalSession(db, { start: '2026-07-01T08:00:00.000Z', spanMinutes: 10, state: 'cancelled', label: '=HYPERLINK("x")' });
      insertLocalSession(db, { start: '2026-07-01T09:00:00.000Z', spanMinutes: 5, kind: 'break' });
    });
    const { rows, text } = await run(store, { format: 'csv', timeZone: 'Europe/Berlin' });
    assert.strictEqual(rows, 3);
    const table = parseCsv(text);
    assert.deepStrictEqual(table[0], ['id', 'kind', 'break_type', 'label', 'state', 'start', 'end', 'planned_minutes', 'focus_seconds', 'paused_seconds']);
    assert.deepStrictEqual(table[1].slice(1), ['focus', '', 'Write, "review" and\nship', 'completed', '2026-03-10T09:00:00+01:00', '2026-03-10T09:25:00+01:00', '25', '1500', '0']);
    // Summer time: +02:00.
    assert.deepStrictEqual(table[2].slice(3, 7), [`'=HYPERLINK("x")`, 'cancelled', '2026-07-01T10:00:00+02:00', '2026-07-01T10:10:00+02:00']);
    assert.deepStrictEqual(table[3].slice(1, 3), ['break', 'short']);
    assert.strictEqual(table.length, 4);
  });

  it('writes JSON that parses back to the rows, with the teams each was shared with when asked', async () => {
    const id = await store.write((db) => {
      const team = insertTeam(db, 'Platform Team');
      const id = insertLocalSession(db, { start: '2026-03-10T08:00:00.000Z', spanMinutes: 25 });
      db.run(
        `INSERT INTO shared_sessions (id, local_session_id, team_id, user_id, start_time, end_time, planned_duration_minutes,
           actual_duration_seconds, completed, shared_at, last_modified, sync_status) VALUES ('x', ?, ?, 'u', ?, ?, 25, 1500, 1, 0, ?, 'synced')`,
        [id, team, '2026-03-10T08:00:00.000Z', '2026-03-10T08:25:00.000Z', '2026-03-10T08:25:00.000Z'],
      );
      return id;
    });
    const { rows, text } = await run(store, { format: 'json', includeShared: true, timeZone: 'America/New_York' });
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    assert.strictEqual(rows, 1);
    assert.deepStrictEqual(parsed[0], {
      id, kind: 'focus', break_type: null, label: null, state: 'completed', start: '2026-03-10T04:00:00-04:00', end: '2026-03-10T04:25:00-04:00',
      planned_minutes: 25, focus_seconds: 1500, paused_seconds: 0, shared_with: 'Platform Team',
    });
    const plain = JSON.parse((await run(store, { format: 'json' })).text) as Record<string, unknown>[];
    assert.strictEqual('shared_with' in plain[0], false, 'without sharing asked for, no shared_with field');
  });

  it('writes an empty history as a header or an empty array', async () => {
    assert.deepStrictEqual(JSON.parse((await run(store, { format: 'json' })).text), []);
    assert.strictEqual(parseCsv((await run(store, { format: 'csv' })).text).length, 1);
  });

  it('pages through every row exactly once, in start order, yielding between chunks', async () => {
    await store.write((db) => seedLocalHistory(db, { sessions: 2345, now: Date.parse('2026-03-10T12:00:00Z') }));
    const { rows, text, turns } = await run(store, { format: 'csv', chunkRows: 500, timeZone: 'UTC' });
    assert.strictEqual(rows, 2345);
    assert.strictEqual(turns, 5, 'one turn per chunk of 500');
    const table = parseCsv(text).slice(1);
    const ids = store.read((db) => db.all<{ id: string }>('SELECT id FROM sessions ORDER BY start_time, id').map((r) => r.id));
    assert.deepStrictEqual(table.map((r) => r[0]), ids);
  });

  it('refuses an unknown format with a typed error naming it', () => {
    assert.strictEqual(parseExportFormat('CSV'), 'csv');
    assert.throws(() => parseExportFormat('xlsx'), (e: unknown) => e instanceof ExportError && e.code === 'bad-format' && /"xlsx"/.test(e.message));
  });
});

describe('daily goal', () => {
  it('reads only a whole number of minutes within a day as a goal; anything else is off', () => {
    assert.deepStrictEqual([120, 0, -5, 2.5, '60', 1441, null].map(sanitizeGoalMinutes), [120, 0, 0, 0, 0, 0, 0]);
  });

  it('says how far along today is, and when the goal is reached', () => {
    assert.strictEqual(goalProgressText(45, 120), 'Today: 45 min of your 2 h daily goal (37%).');
    assert.strictEqual(goalProgressText(125, 120), 'Today: 2 h 5 min, daily goal of 2 h reached.');
    assert.strictEqual(goalProgressText(45, 0), undefined);
  });

  it('announces only the session that carries the day over the goal', () => {
    assert.strictEqual(crossedGoal(130, 25, 120), true);
    assert.strictEqual(crossedGoal(150, 25, 120), false, 'already reached before this session');
    assert.strictEqual(crossedGoal(100, 25, 120), false);
    assert.strictEqual(crossedGoal(130, 25, 0), false, 'no goal');
  });
});
