import * as assert from 'assert';
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { bundleScript, tempDbFile } from '../../support/bundleScript';
import { recordingLogger } from './journalHelpers';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

const KILLS = Number(process.env.FOCUSFLOW_CRASH_KILLS ?? 200);
/** About five records: the writers checkpoint every five commits or so, so kills land in both. */
const JOURNAL_LIMIT = 2 * 1024;

describe('store: a process killed while committing', function () {
  this.timeout(900_000);

  it(`keeps every acknowledged commit, applies none by half, and always opens (${KILLS} SIGKILLs)`, async () => {
    const { script, env } = bundleScript(path.join(__dirname, 'fixtures', 'crashWriter.ts'));
    // Two files killed in turn side by side: the same number of kills in half the time on two cores.
    const lanes = await Promise.all([0, 1].map(() => killRepeatedly(KILLS / 2)));
    const sum = (key: keyof Lane) => lanes.reduce((n, lane) => n + lane[key], 0);
    // The test only proves something if kills really landed inside appends and checkpoints.
    const landed = sum('midCheckpoint') + sum('tornTails');
    assert.ok(landed >= KILLS / 50, `only ${landed} of ${KILLS} kills hit a checkpoint or an append in progress`);
    assert.ok(sum('rows') > KILLS, `the writers committed only ${sum('rows')} writes in ${KILLS} runs`);
    console.log(
      `      ${KILLS} kills: ${sum('midCheckpoint')} during a checkpoint, ${sum('tornTails')} left a torn journal tail, ` +
        `${sum('journalReplayed')} opened with records to replay; ${sum('rows')} commits survived, none acknowledged was lost`,
    );

    async function killRepeatedly(kills: number): Promise<Lane> {
      const file = tempDbFile();
      const lane: Lane = { rows: 0, midCheckpoint: 0, tornTails: 0, journalReplayed: 0 };
      for (let i = 0; i < kills; i++) {
        const child = fork(script, [file, String(JOURNAL_LIMIT)], { env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
        let acked = 0;
        child.on('message', (m: { acked?: number }) => (acked = Math.max(acked, m.acked ?? 0)));
        await new Promise<void>((resolve, reject) => {
          child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
        });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;

        const names = fs.readdirSync(path.dirname(file));
        if (names.some((name) => name.includes('.tmp-'))) lane.midCheckpoint++;
        if (names.includes('focusflow.sqlite.journal')) lane.journalReplayed++;
        const logger = recordingLogger();
        const { store, recovered } = await openStoreOnDisk({ file, logger, pollMs: 60_000 });
        assert.strictEqual(recovered, undefined, `kill ${i}: the database had to be moved aside`);
        if (logger.warnings.some((w) => /journal/.test(w))) lane.tornTails++;
        const rows = store.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM sessions')!.n);
        const counter = store.read((db) => db.get<{ c: number }>("SELECT connected_at AS c FROM team_connection WHERE id = 'counter'")?.c ?? 0);
        await store.close();
        assert.strictEqual(counter, rows, `kill ${i}: the rows and the counter written with them disagree`);
        assert.ok(rows >= acked, `kill ${i}: ${acked} commits were acknowledged, ${rows} survived`);
        assert.ok(rows >= lane.rows, `kill ${i}: the database went back from ${lane.rows} to ${rows} rows`);
        lane.rows = rows;
      }
      return lane;
    }
  });
});

interface Lane {
  rows: number;
  midCheckpoint: number;
  tornTails: number;
  journalReplayed: number;
}
