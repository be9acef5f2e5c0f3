// Starts test/host/launcher.ts (the service through which tests in any extension host start local
// servers) as a child of this Node process, and stops it with all its servers afterwards.
const { spawn } = require('child_process');
const path = require('path');

/** Resolves to `{ url, stop() }` once the launcher prints its address. */
function startLauncher(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', require.resolve('tsx'), path.join(__dirname, 'launcher.ts')], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the server launcher did not start within 30 s'));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server launcher exited with ${code} before it listened`));
    });
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /launcher on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.resume();
      resolve({
        url: m[1],
        // closing stdin lets it stop its servers first; SIGKILL only if it does not go in time
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.stdin.end();
          }),
      });
    });
  });
}

module.exports = { startLauncher };
