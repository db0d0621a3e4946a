import type { Snapshot } from '../../shared/model.js';
import { baseName } from './explain.js';
import type { TimedSnapshot } from './from-snapshots.js';

/** A dump file given on the command line, parsed (one file may hold several profiles). */
export interface ParsedFile {
  name: string;
  snapshots: Snapshot[];
}

export interface FileTicks {
  entries: TimedSnapshot[];
  /** Names of the files of each tick, in tick order. */
  tickFiles: string[][];
  /** True when some tick had no profile timestamp: ticks are then `intervalMs` apart from 0. */
  timesAssumed: boolean;
}

/**
 * Puts files given in time order into ticks. Files belong to one tick while their name stem (the part
 * before the first dot: `t1` of `t1.debug2.txt`, `t2` of `t2.leak.debug1.txt`) is the same and no
 * profile kind repeats; so `t1.debug1.txt t1.debug2.txt t1.vars.json` is one tick and `a.txt b.txt`
 * two. A stem's files need not be next to each other: ticks follow each stem's first file. Times are the protobuf profiles' own timestamps when every tick has one and
 * they increase; otherwise ticks are assumed `intervalMs` apart.
 */
export function ticksFromFiles(files: readonly ParsedFile[], intervalMs: number): FileTicks {
  const ticks: { stem: string; kinds: Set<string>; snapshots: Snapshot[]; files: string[] }[] = [];
  for (const file of byStem(files)) {
    const stem = stemOf(file.name);
    for (const s of file.snapshots) {
      const kind = `${s.format}/${s.profile ?? ''}`;
      const current = ticks[ticks.length - 1];
      if (!current || current.stem !== stem || current.kinds.has(kind)) {
        ticks.push({ stem, kinds: new Set([kind]), snapshots: [s], files: [file.name] });
        continue;
      }
      current.kinds.add(kind);
      current.snapshots.push(s);
      if (!current.files.includes(file.name)) current.files.push(file.name);
    }
  }
  const stamped = ticks.map((t) => timeOf(t.snapshots));
  const isIncreasing = stamped.every((ms, i) => ms !== null && (i === 0 || ms > stamped[i - 1]!));
  const times = isIncreasing ? (stamped as number[]) : ticks.map((_, i) => i * intervalMs);
  return {
    entries: ticks.flatMap((t, i) => t.snapshots.map((snapshot) => ({ atMs: times[i]!, snapshot }))),
    tickFiles: ticks.map((t) => t.files),
    timesAssumed: !isIncreasing,
  };
}

/**
 * Files in the order given, except that files sharing a stem move up next to its first file: a shell
 * expansion such as `t*.pb.gz t*.debug2.txt` lists each tick's files apart, yet they belong together.
 */
function byStem(files: readonly ParsedFile[]): ParsedFile[] {
  const first = new Map<string, number>();
  files.forEach((f, i) => {
    const stem = stemOf(f.name);
    if (!first.has(stem)) first.set(stem, i);
  });
  return files.map((f, i) => ({ f, i, at: first.get(stemOf(f.name))! })).sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.f);
}

/** `/x/t1.debug2.txt` → `t1`; `dump` → `dump`. */
export function stemOf(path: string): string {
  const base = baseName(path);
  const dot = base.indexOf('.');
  return dot <= 0 ? base : base.slice(0, dot);
}

/** A tick's time: its goroutine profile's timestamp, else any profile's (the goroutineleak one). */
function timeOf(snapshots: readonly Snapshot[]): number | null {
  const own = snapshots.find((s) => s.takenAtMs !== null && s.profile !== 'goroutineleak');
  return own?.takenAtMs ?? snapshots.find((s) => s.takenAtMs !== null)?.takenAtMs ?? null;
}
