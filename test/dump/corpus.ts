// The shared goroutine-dump corpus (../shared/corpus beside the repo; see its README.md). Tests read
// it in place and never copy it into the repo.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Group, Snapshot } from '../../src/shared/model.js';
import { parseSnapshots } from '../../src/main/dump/parse-snapshots.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_ROOT = path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
export const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'golden');

const NOT_DUMPS = new Set(['README.md', 'SOURCES.md', 'source.go']);

/** Every dump of the corpus as a path relative to CORPUS_ROOT with `/` separators, sorted. */
export function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '_tools') walk(full);
      } else if (!NOT_DUMPS.has(entry.name)) {
        out.push(path.relative(CORPUS_ROOT, full).split(path.sep).join('/'));
      }
    }
  };
  walk(CORPUS_ROOT);
  return out.sort();
}

export function corpusPath(relative: string): string {
  return path.join(CORPUS_ROOT, ...relative.split('/'));
}

export function corpusBytes(relative: string): Uint8Array {
  return readFileSync(corpusPath(relative));
}

export function corpusSize(relative: string): number {
  return statSync(corpusPath(relative)).size;
}

const cache = new Map<string, Snapshot[]>();

/** Grouped snapshots of a corpus file, parsed once per test file (the 14 MB dump is read by several tests). */
export function snapshotsOf(relative: string): Snapshot[] {
  let snapshots = cache.get(relative);
  if (snapshots === undefined) {
    snapshots = parseSnapshots(corpusBytes(relative));
    cache.set(relative, snapshots);
  }
  return snapshots;
}

/** The one snapshot of a corpus file that holds one. */
export function snapshotOf(relative: string): Snapshot {
  const snapshots = snapshotsOf(relative);
  if (snapshots.length !== 1) throw new Error(`${relative}: expected one snapshot, got ${snapshots.length}`);
  return snapshots[0]!;
}

/** `main.go:84` for a frame at `/tmp/corpus/gen/01-chan-send-no-receiver/main.go` line 84. */
export function siteOf(frame: { file: string; line: number } | null): string | null {
  if (frame === null) return null;
  return `${frame.file.split(/[\\/]/).pop()}:${frame.line}`;
}

/** The groups whose blocking frame is `func` (there may be several stacks ending in one function). */
export function groupsBlockedIn(snapshot: Snapshot, func: string): Group[] {
  return snapshot.groups.filter((g) => g.blockingSite?.func === func);
}

/** The single group whose blocking frame is `func`; throws when there is none or more than one. */
export function groupBlockedIn(snapshot: Snapshot, func: string): Group {
  const groups = groupsBlockedIn(snapshot, func);
  if (groups.length !== 1) {
    throw new Error(`expected one group blocked in ${func}, got ${groups.length}: ${snapshot.groups.map((g) => g.blockingSite?.func).join(', ')}`);
  }
  return groups[0]!;
}

/** Goroutines in groups, which equals `total` for tracebacks and for profiles whose records add up. */
export function countedIn(snapshot: Snapshot): number {
  return snapshot.groups.reduce((n, g) => n + g.count, 0);
}
