// The promise behind `npm test` and `npm run bench`: a run keeps its temp files in one folder that goes
// when it ends, and a test that writes around that folder fails the run by name.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const cleanRun = path.resolve(__dirname, '../support/cleanRun.js');

/** Runs `script` (bash) under cleanRun with `systemTmp` as the machine's temp folder. */
function run(systemTmp: string, script: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: systemTmp };
  delete env.FOCUSFLOW_SCRATCH;
  delete env.FOCUSFLOW_SYSTEM_TMP;
  const r = spawnSync(process.execPath, [cleanRun, 'bash', '-c', script], { env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, left: fs.readdirSync(systemTmp) };
}

describe('temp check of a test run', () => {
  let systemTmp: string;
  beforeEach(() => (systemTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-systemtmp-'))));
  afterEach(() => fs.rmSync(systemTmp, { recursive: true, force: true }));

  it('gives the run its own folder as TMPDIR and removes it with everything in it', () => {
    const r = run(systemTmp, 'case "$TMPDIR" in */focusflow-run-*) mkdir "$TMPDIR/focusflow-store-x" && touch "$TMPDIR/focusflow-store-x/db";; *) exit 3;; esac');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(r.left, []);
    assert.match(r.out, /left nothing behind/);
  });

  it('fails a run that leaves a file of ours outside its folder, naming it, and keeps a failing code', () => {
    const leak = run(systemTmp, `mkdir ${JSON.stringify(path.join(systemTmp, 'focusflow-leak'))}`);
    assert.equal(leak.code, 1);
    assert.match(leak.out, /left 1 entry .*focusflow-leak/);
    const failing = run(systemTmp, 'exit 7');
    assert.equal(failing.code, 7, 'the steps\' own failure comes through');
  });

  it("only reports what another program put in the temp folder meanwhile", () => {
    const r = run(systemTmp, `mkdir ${JSON.stringify(path.join(systemTmp, 'someone-else'))}`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /not named like ours: someone-else/);
  });
});
