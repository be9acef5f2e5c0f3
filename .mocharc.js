// mocha's settings. The whole suite is the spec only when no test file is named on the command line:
// mocha adds a configured spec to the files it is given, so `npx mocha test/unit/x.test.ts` used to run
// all ~500 tests instead of one file (or one folder: `npx mocha test/unit/sync`).
const args = process.argv.slice(2);
const files = args.filter((arg) => /\.test\.[cm]?[jt]s$/.test(arg));
const folders = args.filter((arg) => /^(\.\/)?test(\/[\w.-]+)*\/?$/.test(arg)).map((dir) => `${dir.replace(/\/$/, '')}/**/*.test.ts`);
const spec = files.length + folders.length > 0 ? folders : ['test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts'];

module.exports = {
  require: ['tsx/cjs'],
  spec,
  timeout: 20000,
  reporter: './test/support/summaryReporter.js',
};
