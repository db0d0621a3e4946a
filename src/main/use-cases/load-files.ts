import { existsSync } from 'node:fs';
import type { Snapshot } from '../../shared/model.js';
import { GoroscopeError, InvalidInputError } from '../../shared/errors.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';
import { ticksFromFiles, type ParsedFile } from '../analysis/file-ticks.js';
import { fromSnapshots } from '../analysis/from-snapshots.js';
import type { LoadedSession } from '../analysis/session.js';
import { parseDump } from '../dump/parse-dump.js';
import { readDumpFile } from './read-dump-file.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/defaults.js';

/**
 * The analyse use case's way in from files (`check FILES`, `report FILES`); `stored-session.ts` is the
 * way in from the history. Reads and parses the files in the order given (= time order); errors name the file. Timed as every
 * import is (`ticksFromFiles`): the content's times, else the order `intervalMs` apart, else none.
 */
export async function loadFiles(files: readonly string[], intervalMs: number | null): Promise<LoadedSession> {
  const parsed: ParsedFile[] = [];
  const bytesOf: Uint8Array[] = [];
  for (const name of files) {
    const bytes = await readDumpFile(name, DEFAULT_MAX_INPUT_BYTES);
    bytesOf.push(bytes);
    try {
      parsed.push({ name, snapshots: parseSnapshots(bytes) });
    } catch (cause) {
      if (cause instanceof GoroscopeError) throw new InvalidInputError(`${name}: ${cause.message}`, { cause });
      throw cause;
    }
  }
  const ticks = ticksFromFiles(parsed, { intervalMs });
  return {
    session: fromSnapshots(ticks.entries),
    source: { kind: 'files', files: [...files] },
    timesAssumed: ticks.timesAssumed,
    assumedIntervalMs: ticks.assumedIntervalMs,
    timeBasis: ticks.timeBasis,
    singleDump: ticks.ticks.length === 1 ? tracebackOf(ticks.ticks[0]!.items, bytesOf) : null,
  };
}

/** One tick's traceback read again goroutine by goroutine (its Snapshot keeps groups only), for the one-page reading. */
function tracebackOf(items: readonly { fileIndex: number; snapshot: { format: string } }[], bytesOf: readonly Uint8Array[]) {
  const item = items.find((i) => i.snapshot.format === 'traceback');
  return item ? (parseDump(bytesOf[item.fileIndex]!).find((d) => d.format === 'traceback') ?? null) : null;
}

/**
 * `goroscope parse FILE`: one file (or `-`, standard input) read up to `maxBytes` and parsed into its
 * snapshots, also capped once inflated. Throws as readDumpFile and parseSnapshots do.
 */
export async function parseFile(file: string, maxBytes: number): Promise<Snapshot[]> {
  return parseSnapshots(await readDumpFile(file, maxBytes), { maxInflatedBytes: maxBytes });
}

/** A lone argument that names no file and is a number: a session id of the history. */
export function sessionIdOf(inputs: readonly string[]): number | null {
  if (inputs.length !== 1 || existsSync(inputs[0]!)) return null;
  return /^\d+$/.test(inputs[0]!) ? Number(inputs[0]) : null;
}
