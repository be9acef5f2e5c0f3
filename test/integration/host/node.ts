// The Node extension host's side of the suite (see kit.ts): mocha from node_modules, and the store's
// Node storage for `file:` folders (fsync, rename, a lock file), as the extension opens them there.
import { promises as fs } from 'fs';
import Mocha from 'mocha';
import { createNodeStorage } from '../../../src/node/store/nodeStorage';
import { runToCounts, type HostKit } from './kit';

const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 30_000 });
mocha.suite.emit('pre-require', globalThis, 'integration', mocha);

export const host: HostKit = {
  bundle: 'node',
  runMocha(grep) {
    if (grep) mocha.grep(grep);
    return runToCounts((done) => mocha.run(done));
  },
  storageFor(folder, lockName) {
    if (folder.scheme !== 'file') throw new Error(`the Node host keeps FocusFlow's files on the local disk, not at ${folder.toString()}`);
    return createNodeStorage(folder.fsPath, { lockName });
  },
  setModifiedTime(file, ms) {
    return fs.utimes(file.fsPath, ms / 1000, ms / 1000);
  },
};

