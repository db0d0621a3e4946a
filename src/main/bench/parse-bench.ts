import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseSnapshots } from '../dump/parse-snapshots.js';

export interface ParseFigures {
  file: string;
  bytes: number;
  goroutines: number;
  groups: number;
  medianMs: number;
  minMs: number;
  mbPerSec: number;
}

/** Parse + group `path` `runs` times after warm-up; the median is the figure (the machine is shared). */
export function benchParseFile(path: string, runs = 9): ParseFigures {
  const bytes = readFileSync(path);
  let snapshot = parseSnapshots(bytes)[0]!;
  for (let i = 0; i < 2; i++) snapshot = parseSnapshots(bytes)[0]!;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    snapshot = parseSnapshots(bytes)[0]!;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)]!;
  return {
    file: path,
    bytes: bytes.length,
    goroutines: snapshot.total,
    groups: snapshot.groups.length,
    medianMs,
    minMs: times[0]!,
    mbPerSec: bytes.length / 1e6 / (medianMs / 1000),
  };
}

/**
 * The process's peak resident set (bytes) after loading `path` and, with `shouldParse`, one cold
 * parse + group. bench/run.js runs it in two fresh processes, with and without the parse, so start-up
 * and the input buffer cancel out and the difference is the parse's own peak.
 */
export function peakResidentBytes(path: string, shouldParse: boolean): number {
  const bytes = readFileSync(path);
  if (shouldParse && parseSnapshots(bytes).length === 0) throw new Error(`no snapshot parsed from ${path}`);
  return process.resourceUsage().maxRSS * 1024;
}
