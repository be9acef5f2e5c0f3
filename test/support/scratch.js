// One temp folder per test or benchmark run. Every runner (`npm test`, mocha, the integration runner,
// `npm run bench`) calls claimScratch() first: it makes `focusflow-run-<pid>-…` in the system's temp
// folder and points TMPDIR at it, so every mkdtemp of the tests, the local server, code-server and
// Chromium lands inside, whoever wrote it. The folder goes when the run ends, fails or is stopped with
// Ctrl-C; one whose run was killed outright (SIGKILL, a closed terminal) is swept by the next run.
// Before this, one `npm test` left about 195 folders (48 MB) behind and each bench 164 MB.
const fs = require('fs');
const os = require('os');
const path = require('path');

const PREFIX = 'focusflow-run-';
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Removes the scratch folders of runs whose process is gone. */
function sweepDeadRuns(systemTmp) {
  for (const name of safeList(systemTmp)) {
    const pid = Number(/^focusflow-run-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) {
      fs.rmSync(path.join(systemTmp, name), { recursive: true, force: true });
    }
  }
}

function safeList(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Gives this process (and every child it starts) its own temp folder, removed when the process ends.
 * Nested runners (mocha under `npm test`) find the outer run's folder in the environment and keep it.
 */
function claimScratch() {
  if (process.env.FOCUSFLOW_SCRATCH && fs.existsSync(process.env.FOCUSFLOW_SCRATCH)) {
    return { dir: process.env.FOCUSFLOW_SCRATCH, systemTmp: process.env.FOCUSFLOW_SYSTEM_TMP, owned: false };
  }
  const systemTmp = os.tmpdir();
  sweepDeadRuns(systemTmp);
  const dir = fs.mkdtempSync(path.join(systemTmp, `${PREFIX}${process.pid}-`));
  process.env.TMPDIR = dir;
  process.env.FOCUSFLOW_SCRATCH = dir;
  process.env.FOCUSFLOW_SYSTEM_TMP = systemTmp;
  const remove = () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  process.on('exit', remove);
  for (const [signal, number] of Object.entries(SIGNALS)) {
    process.on(signal, () => {
      remove();
      // when nobody else handles the signal, end as the signal would have
      if (process.listenerCount(signal) === 1) process.exit(128 + number);
    });
  }
  return { dir, systemTmp, owned: true };
}

module.exports = { claimScratch, sweepDeadRuns, PREFIX };
