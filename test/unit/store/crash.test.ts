import * as assert from 'assert';
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import initSqlJs from 'sql.js';
import { bundleScript, tempDbFile } from '../../support/bundleScript';

const KILLS = 200;

describe('store: a process killed while persisting', function () {
  this.timeout(240_000);

  it(`leaves a file that opens and holds the state before or after a write (${KILLS} kills)`, async () => {
    const { script, env } = bundleScript(path.join(__dirname, 'fixtures', 'crashWriter.ts'));
    const SQL = await initSqlJs();
    // Two files killed in turn side by side: the same number of kills in half the time on two cores.
    const lanes = await Promise.all([0, 1].map(() => killRepeatedly(KILLS / 2)));
    const killedMidWrite = lanes.reduce((n, lane) => n + lane.killedMidWrite, 0);
    const survived = lanes.reduce((n, lane) => n + lane.rows, 0);
    // The test only proves something if kills really landed inside persists.
    assert.ok(killedMidWrite >= KILLS / 20, `only ${killedMidWrite} of ${KILLS} kills hit a write in progress`);
    assert.ok(survived > KILLS, `the writers committed only ${survived} writes in ${KILLS} runs`);
    console.log(`      ${KILLS} kills, ${killedMidWrite} mid-write, ${survived} writes survived`);

    async function killRepeatedly(kills: number): Promise<{ rows: number; killedMidWrite: number }> {
      const file = tempDbFile();
      let lastCount = 0;
      let killedMidWrite = 0;
      for (let i = 0; i < kills; i++) {
        const child = fork(script, [file], { env, stdio: 'ignore' });
        await new Promise<void>((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
        });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;

        if (fs.readdirSync(path.dirname(file)).some((name) => name.includes('.tmp-'))) killedMidWrite++;
        const db = new SQL.Database(fs.readFileSync(file));
        const rows = db.exec('SELECT count(*) FROM sessions')[0].values[0][0] as number;
        const counter = db.exec("SELECT connected_at FROM team_connection WHERE id = 'counter'")[0]?.values[0][0] ?? 0;
        db.close();
        assert.strictEqual(counter, rows, `kill ${i}: the rows and the counter written with them disagree`);
        assert.ok(rows >= lastCount, `kill ${i}: the file went back from ${lastCount} to ${rows} rows`);
        lastCount = rows;
      }
      return { rows: lastCount, killedMidWrite };
    }
  });
});
