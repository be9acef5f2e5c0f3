// Bundles the extension (Node and web worker builds, CommonJS) and the activity webview (browser, IIFE)
// into dist/.
// sql.js's wasm is copied beside the bundle: the extension reads it from disk and hands it to sql.js
// as wasmBinary, so nothing is fetched at run time.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(__dirname, 'dist');

function copyWasm() {
  fs.mkdirSync(dist, { recursive: true });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
}

/** Reports build results in the format VS Code's esbuild problem matchers read. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
];

// The same extension for the browser's web worker extension host (vscode.dev, github.dev): CommonJS,
// which that host loads (ESM fails there), and sql.js's `browser` build, which esbuild picks for this
// platform and which has no `node:` imports. Node globals are not shimmed: a use of one is a bug, and
// lint forbids them in the code this bundle is made of.
targets.push({
  ...common,
  entryPoints: ['src/web.ts'],
  outfile: 'dist/web.js',
  platform: 'browser',
  format: 'cjs',
  target: 'es2022',
  external: ['vscode'],
});

if (fs.existsSync(path.join(__dirname, 'src/webview/main.ts'))) {
  targets.push({
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

async function main() {
  copyWasm();
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
