// Bundles test/integration once per extension host: index.ts first (it installs mocha's BDD globals),
// then every *.test.ts. The two bundles differ only where the hosts do (test/integration/host/):
// - node: out/integration/node/index.js for the Node host; vscode, mocha and sql.js stay external and
//   load from the repository's node_modules, as the extension host resolves them.
// - web: out/integration/web/index.js for the web worker host, which loads CommonJS and has no Node:
//   platform browser (sql.js's browser build, mocha's browser build bundled in, `assert` from its npm
//   port), and ./host/node replaced by ./host/web so nothing of Node's (fs) is pulled in.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const testsDir = path.join(root, 'test/integration');

function findTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Points every import of the Node host's kit at the web worker's. */
const webHostKit = {
  name: 'web-host-kit',
  setup(build) {
    build.onResolve({ filter: /\/host\/node$/ }, (args) => ({ path: path.join(path.resolve(args.resolveDir, args.path), '..', 'web.ts') }));
  },
};

/**
 * The npm port of node:assert, and the `util` it loads, read `process` (env, stderr, nextTick) as
 * browserify used to provide it. Those files alone get a stand-in, so `process` stays undefined for
 * everything else in the web worker bundle (a test checks exactly that to know its host).
 */
const processForAssert = {
  name: 'process-for-assert',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/](assert|util)[\\/].*\.js$/ }, async (args) => ({
      contents: `var process = { env: {}, nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)) };\n${await fs.promises.readFile(args.path, 'utf8')}`,
      loader: 'js',
    }));
  },
};

/**
 * mocha's browser build is a UMD file in a package of "type": "module": bundled as it is, its
 * CommonJS branch would find the bundle's own `module` and replace the bundle's exports (our `run`)
 * with mocha itself. Hidden from it, it takes its global branch and installs `globalThis.mocha`.
 */
const mochaAsGlobal = {
  name: 'mocha-as-global',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]mocha[\\/]mocha\.js$/ }, async (args) => ({
      contents: `var module, exports, define;\n${await fs.promises.readFile(args.path, 'utf8')}`,
      loader: 'js',
    }));
  },
};

const hostOptions = {
  node: { platform: 'node', target: 'node20', external: ['vscode', 'mocha', 'sql.js'], plugins: [] },
  web: { platform: 'browser', target: 'es2022', external: ['vscode'], plugins: [webHostKit, processForAssert, mochaAsGlobal] },
};

/** Writes the bundle for `host` ('node' or 'web') and returns its path and how many test files it holds. */
async function bundleTests(host) {
  const tests = findTests(testsDir).sort();
  if (tests.length === 0) throw new Error(`no *.test.ts under ${path.relative(root, testsDir)}`);
  const imports = tests.map((t) => `import './${path.relative(testsDir, t).split(path.sep).join('/')}';`);
  const outfile = path.join(root, 'out/integration', host, 'index.js');
  await esbuild.build({
    stdin: {
      contents: [`export { run } from './index';`, ...imports].join('\n'),
      resolveDir: testsDir,
      sourcefile: 'integration-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    outfile,
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    ...hostOptions[host],
  });
  return { bundle: outfile, count: tests.length };
}

module.exports = { bundleTests, webPlugins: hostOptions.web.plugins };
