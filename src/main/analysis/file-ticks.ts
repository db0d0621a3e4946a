import type { Snapshot } from '../../shared/model.js';
import type { TimeBasis } from '../../shared/report.js';
import { baseName } from './explain.js';
import type { TimedSnapshot } from './from-snapshots.js';

/** A dump file given on the command line, parsed (one file may hold several profiles). */
export interface ParsedFile {
  name: string;
  snapshots: Snapshot[];
  /** A time the user gave for this file (`goroscope import --at`); it outranks what the content says. */
  givenAtMs?: number | null;
}

/** How to time files: the interval the user gave between files in order, or null (no rate then). */
export interface FileTiming {
  intervalMs: number | null;
}

export interface FileTicks {
  entries: TimedSnapshot[];
  /** Names of the files of each tick, in tick order. */
  tickFiles: string[][];
  /** Each tick's time and snapshots, with the index (into the files given) of the file each came from. */
  ticks: { atMs: number; items: { fileIndex: number; snapshot: Snapshot }[] }[];
  /** True when the times are not the content's: file order, `intervalMs` (or nominally a minute) apart. */
  timesAssumed: boolean;
  timeBasis: TimeBasis;
  /** The interval the times assume; null unless `timeBasis` is `interval`. */
  assumedIntervalMs: number | null;
}

/**
 * Ticks of files without any time are spaced this much apart so that the analysis can order them;
 * no rate is reported for them (`timeBasis: 'none'`), only counts.
 */
export const NOMINAL_TICK_MS = 60_000;

/**
 * Puts files given in time order into ticks. Files belong to one tick while their name stem (the part
 * before the first dot: `t1` of `t1.debug2.txt`, `t2` of `t2.leak.debug1.txt`) is the same and no
 * profile kind repeats; so `t1.debug1.txt t1.debug2.txt t1.vars.json` is one tick and `a.txt b.txt`
 * two. A stem's files need not be next to each other: ticks follow each stem's first file.
 *
 * The one timing rule for `check`, `report` and every import (issue #14), first that applies: the times the
 * user gave per file, when every tick has one and no two are equal; the content's own times (protobuf
 * `time_nanos`, a log timestamp before a pasted dump) on the same terms — known times order the ticks;
 * else the file order, `intervalMs` apart when the user gave one; else no time at all
 * (`timeBasis: 'none'`: growth as counts, no rate).
 */
export function ticksFromFiles(files: readonly ParsedFile[], timing: FileTiming): FileTicks {
  const ticks: { stem: string; kinds: Set<string>; snapshots: Snapshot[]; files: string[]; indexes: number[]; givenAtMs: number | null }[] = [];
  const fileOf = new Map<Snapshot, number>();
  for (const { file, index } of byStem(files)) {
    const stem = stemOf(file.name);
    for (const s of file.snapshots) {
      fileOf.set(s, index);
      const kind = `${s.format}/${s.profile ?? ''}`;
      const current = ticks[ticks.length - 1];
      if (!current || current.stem !== stem || current.kinds.has(kind)) {
        ticks.push({ stem, kinds: new Set([kind]), snapshots: [s], files: [file.name], indexes: [index], givenAtMs: file.givenAtMs ?? null });
        continue;
      }
      current.kinds.add(kind);
      current.snapshots.push(s);
      if (!current.indexes.includes(index)) {
        current.files.push(file.name);
        current.indexes.push(index);
      }
      current.givenAtMs ??= file.givenAtMs ?? null;
    }
  }
  const given = ticks.map((t) => t.givenAtMs);
  const stamped = ticks.map((t) => timeOf(t.snapshots));
  const { times, timeBasis } = isDistinct(given)
    ? { times: given as number[], timeBasis: 'content' as const }
    : isDistinct(stamped)
      ? { times: stamped as number[], timeBasis: 'content' as const }
      : timing.intervalMs !== null
        ? { times: ticks.map((_, i) => i * timing.intervalMs!), timeBasis: 'interval' as const }
        : { times: ticks.map((_, i) => i * NOMINAL_TICK_MS), timeBasis: 'none' as const };
  // Known times order the ticks (files may be given in any order); assumed ones follow the order given.
  const order = ticks.map((_, i) => i).sort((x, y) => times[x]! - times[y]! || x - y);
  return {
    entries: order.flatMap((i) => ticks[i]!.snapshots.map((snapshot) => ({ atMs: times[i]!, snapshot }))),
    tickFiles: order.map((i) => ticks[i]!.files),
    ticks: order.map((i) => ({ atMs: times[i]!, items: ticks[i]!.snapshots.map((snapshot) => ({ fileIndex: fileOf.get(snapshot)!, snapshot })) })),
    timesAssumed: timeBasis === 'interval' || timeBasis === 'none',
    timeBasis,
    assumedIntervalMs: timeBasis === 'interval' ? timing.intervalMs : null,
  };
}

/** Every tick has a time and no two share one (equal times would order nothing). */
function isDistinct(times: readonly (number | null)[]): boolean {
  return times.every((ms) => ms !== null) && new Set(times).size === times.length;
}

/**
 * Files in the order given, except that files sharing a stem move up next to its first file: a shell
 * expansion such as `t*.pb.gz t*.debug2.txt` lists each tick's files apart, yet they belong together.
 */
function byStem(files: readonly ParsedFile[]): { file: ParsedFile; index: number }[] {
  const first = new Map<string, number>();
  files.forEach((f, i) => {
    const stem = stemOf(f.name);
    if (!first.has(stem)) first.set(stem, i);
  });
  return files
    .map((f, i) => ({ f, i, at: first.get(stemOf(f.name))! }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => ({ file: x.f, index: x.i }));
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
