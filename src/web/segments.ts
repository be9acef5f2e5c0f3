/**
 * How the web storage names its files (see workspaceStorage.ts): `<name>~<version>.<index>.<size>`.
 * Kept free of `vscode` so the choice of what a reader may take is unit-tested on its own.
 */
export interface Segment {
  /** The logical file's name, e.g. `focusflow.sqlite.journal`. */
  name: string;
  version: number;
  index: number;
  /** The length the writer meant the file to have; a file of another length is torn or still being written. */
  size: number;
  /** The file's own name in the folder. */
  file: string;
}

export interface Version {
  number: number;
  /** In order, one per index, each the longest copy whose length matches its name. */
  segments: Segment[];
}

const SEGMENT_NAME = /^(.+)~(\d{1,15})\.(\d{1,9})\.(\d{1,12})$/;

export function segmentFileName(s: Pick<Segment, 'name' | 'version' | 'index' | 'size'>): string {
  return `${s.name}~${s.version}.${s.index}.${s.size}`;
}

/** The folder's segment files; other names (a user's or another program's file) are left out. */
export function parseSegmentNames(files: readonly string[]): Segment[] {
  const out: Segment[] = [];
  for (const file of files) {
    const m = SEGMENT_NAME.exec(file);
    if (m) out.push({ name: m[1], version: Number(m[2]), index: Number(m[3]), size: Number(m[4]), file });
  }
  return out;
}

/**
 * The newest version of one logical file that a reader can take whole: every index from 0 up without a
 * gap, each the longest copy that `isWhole` (its real length matches its name). Only the first and the
 * last index can hold a torn copy (a replace writes index 0 of a new version; an append rewrites or adds
 * the last index), so only they are checked; a version whose index 0 is torn is passed over for the one
 * before it, and a torn last copy for the shorter copy it was replacing.
 */
export async function latestReadable(
  segments: readonly Segment[],
  isWhole: (segment: Segment) => Promise<boolean>,
): Promise<Version | undefined> {
  const versions = [...new Set(segments.map((s) => s.version))].sort((a, b) => b - a);
  for (const number of versions) {
    const byIndex = new Map<number, Segment[]>();
    for (const s of segments) if (s.version === number) byIndex.set(s.index, [...(byIndex.get(s.index) ?? []), s]);
    const chosen: Segment[] = [];
    const lastIndex = Math.max(...byIndex.keys());
    for (let index = 0; index <= lastIndex; index++) {
      const copies = (byIndex.get(index) ?? []).sort((a, b) => b.size - a.size);
      const mustCheck = index === 0 || index === lastIndex;
      let taken: Segment | undefined;
      for (const copy of copies) {
        if (!mustCheck || (await isWhole(copy))) {
          taken = copy;
          break;
        }
      }
      if (!taken) break;
      chosen.push(taken);
    }
    if (chosen.length > 0) return { number, segments: chosen };
  }
  return undefined;
}
