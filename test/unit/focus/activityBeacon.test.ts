import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ActivityBeacon } from '../../../src/node/activityBeacon';
import { FakeClock } from './fakeClock';

describe('ActivityBeacon', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'focusflow-beacon-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shares the latest activity between windows through one file', () => {
    const clock = new FakeClock();
    const file = path.join(dir, 'focusflow.activity');
    const windowA = new ActivityBeacon(file, clock);
    const windowB = new ActivityBeacon(file, clock);
    assert.equal(windowB.lastActivity(), undefined);
    windowA.note();
    assert.equal(windowB.lastActivity(), clock.now(), 'the other window sees the activity');
    clock.advanceMinutes(10);
    windowA.note();
    assert.equal(windowB.lastActivity(), clock.now());
    clock.advance(5_000);
    windowA.note(); // throttled: the file keeps the last written time, this window knows better
    assert.equal(windowB.lastActivity(), clock.now() - 5_000);
    assert.equal(windowA.lastActivity(), clock.now());
  });

  it('falls back to its own window when the folder is gone', () => {
    const clock = new FakeClock();
    const beacon = new ActivityBeacon(path.join(dir, 'missing', 'focusflow.activity'), clock);
    beacon.note();
    assert.equal(beacon.lastActivity(), clock.now());
  });
});
