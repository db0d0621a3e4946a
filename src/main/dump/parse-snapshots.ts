import type { Snapshot } from '../../shared/model.js';
import { parseDump, type ParseOptions } from './parse-dump.js';
import { groupDump } from './group-dump.js';

/** Bytes of any supported format → grouped snapshots. Throws NotADumpError for refused input. */
export function parseSnapshots(input: Uint8Array | string, options?: ParseOptions): Snapshot[] {
  return parseDump(input, options).map(groupDump);
}
