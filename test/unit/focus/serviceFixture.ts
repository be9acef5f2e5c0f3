import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FocusService } from '../../../src/core/focus/focusService';
import { defaultFocusSettings, type FocusSettings } from '../../../src/core/focus/settings';
import { silentLogger } from '../../../src/core/logger';
import { Store } from '../../../src/core/store';
import { FakeClock } from './fakeClock';
import { openStoreOnDisk } from '../../../src/node/store/openStore';

/**
 * Real stores on a real temporary database file. Each `window()` is one more Store + FocusService on
 * the same file, as a second VS Code window (or the same window after a reload) would have.
 */
export class FocusFixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-focus-'));
  readonly file = path.join(this.dir, 'focusflow.sqlite');
  readonly clock = new FakeClock();
  settings: FocusSettings = { ...defaultFocusSettings };
  lastActivity: number | undefined;
  private readonly open: { store: Store; service: FocusService }[] = [];

  async window(): Promise<FocusService> {
    const { store } = await openStoreOnDisk({ file: this.file, logger: silentLogger });
    const service = new FocusService({
      store,
      logger: silentLogger,
      clock: this.clock,
      settings: () => this.settings,
      lastActivity: () => this.lastActivity,
    });
    this.open.push({ store, service });
    return service;
  }

  /** Closes one window as a reload or quit would: its service and store go away, the file stays. */
  async close(service: FocusService): Promise<void> {
    const i = this.open.findIndex((w) => w.service === service);
    const [w] = this.open.splice(i, 1);
    w.service.dispose();
    await w.store.close();
  }

  async dispose(): Promise<void> {
    for (const w of this.open.splice(0)) {
      w.service.dispose();
      await w.store.close();
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The rows as a fresh store opened on the file sees them: what is really on disk. */
  async rowsOnDisk(): Promise<Record<string, unknown>[]> {
    const { store } = await openStoreOnDisk({ file: this.file, logger: silentLogger });
    try {
      return store.read((db) => db.all('SELECT * FROM sessions ORDER BY start_time'));
    } finally {
      await store.close();
    }
  }
}
