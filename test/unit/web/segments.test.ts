import * as assert from 'assert';
import { latestReadable, parseSegmentNames, segmentFileName, type Segment } from '../../../src/web/segments';

/** A folder as the web storage leaves it: file name → its real length (a torn write is shorter than its name says). */
function folder(files: Record<string, number>) {
  const segments = parseSegmentNames(Object.keys(files));
  return { segments, isWhole: async (s: Segment) => files[s.file] === s.size };
}

describe('web storage segment names', () => {
  it('round-trips a name and leaves other files out', () => {
    const name = segmentFileName({ name: 'focusflow.sqlite.journal', version: 3, index: 2, size: 1025 });
    assert.strictEqual(name, 'focusflow.sqlite.journal~3.2.1025');
    const parsed = parseSegmentNames([name, 'focusflow.activity', 'notes~draft.txt', 'focusflow.sqlite~1.x.5']);
    assert.deepStrictEqual(parsed, [{ name: 'focusflow.sqlite.journal', version: 3, index: 2, size: 1025, file: name }]);
  });

  it('reads the newest version, every index in order, the longest whole copy of each', async () => {
    const { segments, isWhole } = folder({ 'j~2.0.100': 100, 'j~2.1.40': 40, 'j~2.1.60': 60, 'j~1.0.500': 500 });
    const version = await latestReadable(segments, isWhole);
    assert.strictEqual(version?.number, 2);
    assert.deepStrictEqual(version?.segments.map((s) => s.file), ['j~2.0.100', 'j~2.1.60']);
  });

  it('passes over a torn rewrite of the last segment for the copy it was replacing', async () => {
    // a crash while the append wrote 60 bytes: the 40-byte copy it would have removed afterwards is still there
    const { segments, isWhole } = folder({ 'j~2.0.100': 100, 'j~2.1.40': 40, 'j~2.1.60': 17 });
    const version = await latestReadable(segments, isWhole);
    assert.deepStrictEqual(version?.segments.map((s) => s.file), ['j~2.0.100', 'j~2.1.40']);
  });

  it('passes over a torn replace for the version before it', async () => {
    const { segments, isWhole } = folder({ 'base~7.0.4096': 4096, 'base~8.0.8192': 1000 });
    const version = await latestReadable(segments, isWhole);
    assert.strictEqual(version?.number, 7);
  });

  it('stops at a gap: what follows a missing segment is not read', async () => {
    const { segments, isWhole } = folder({ 'j~1.0.10': 10, 'j~1.2.10': 10 });
    const version = await latestReadable(segments, isWhole);
    assert.deepStrictEqual(version?.segments.map((s) => s.file), ['j~1.0.10']);
  });

  it('finds nothing when no copy is whole', async () => {
    const { segments, isWhole } = folder({ 'base~1.0.4096': 12 });
    assert.strictEqual(await latestReadable(segments, isWhole), undefined);
  });
});
