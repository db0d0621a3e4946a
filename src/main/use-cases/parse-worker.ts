import { parentPort } from 'node:worker_threads';
import { GoroscopeError } from '../../shared/errors.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import { indexDumpText, type DumpTextIndex } from '../dump/dump-text-index.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';

/**
 * The worker thread `worker-intake.ts` runs (built as out/main/parse-worker.js): parses one dump per
 * message, in the order received, and answers with the snapshots or the error's code and message.
 * Parsing is the one CPU-heavy step of an import; here it cannot stall `serve`'s event loop.
 * It also indexes dump text for the dump view (`indexDumpText`, the other scan of a whole dump): text
 * it is sent, or the text of the last dump it parsed, which it keeps until the next parse, so the
 * dump view of a fresh import costs serve's main thread neither a decompression nor a copy of 56 MB.
 * That last text is indexed right after its parse is answered (while the import stores and the page
 * draws the groups): asked for when the dump view opens, it is ready, where indexing 56 MB then took
 * 0.8–1.5 s against the editor's own work.
 */

export interface ParseJob {
  kind: 'parse';
  id: number;
  bytes: Uint8Array;
  maxInflatedBytes: number;
}

/** Index `bytes`, or (null) the text of parse job `parseId` if it is still the last parsed. */
export interface IndexJob {
  kind: 'index';
  id: number;
  bytes: Uint8Array | null;
  parseId: number;
  format: 'traceback' | 'debug1';
}

export type ParseAnswer =
  | { id: number; ok: true; snapshots: Snapshot[] }
  | { id: number; ok: false; code: ErrorCode; message: string };

/** null: the text asked for is no longer held, or could not be indexed (the caller indexes it itself). */
export interface IndexAnswer {
  id: number;
  textIndex: DumpTextIndex | null;
}

const port = parentPort;
if (port === null) throw new Error('parse-worker.js runs as a worker thread only (worker-intake.ts starts it)');
let lastParsed: { id: number; bytes: Uint8Array; format: string | undefined; textIndex?: DumpTextIndex | null } | null = null;

function parse(job: ParseJob): ParseAnswer {
  lastParsed = null; // the previous dump's text goes before this one is parsed: one held at a time
  try {
    const answer: ParseAnswer = { id: job.id, ok: true, snapshots: parseSnapshots(job.bytes, { maxInflatedBytes: job.maxInflatedBytes }) };
    lastParsed = { id: job.id, bytes: job.bytes, format: answer.snapshots[0]?.format };
    return answer;
  } catch (error) {
    const isOurs = error instanceof GoroscopeError;
    return {
      id: job.id,
      ok: false,
      code: isOurs ? error.code : 'BUG',
      message: isOurs ? error.message : `the parse failed: ${(error as Error).stack ?? String(error)}`,
    };
  }
}

function textIndexOf(bytes: Uint8Array, format: 'traceback' | 'debug1'): DumpTextIndex | null {
  try {
    return indexDumpText(bytes, format);
  } catch {
    return null; // the caller indexes it itself, and says what failed
  }
}

function index(job: IndexJob): IndexAnswer {
  if (job.bytes !== null) return { id: job.id, textIndex: textIndexOf(job.bytes, job.format) };
  const held = lastParsed?.id === job.parseId ? lastParsed : null;
  if (held === null) return { id: job.id, textIndex: null };
  if (held.textIndex === undefined || held.format !== job.format) return { id: job.id, textIndex: textIndexOf(held.bytes, job.format) };
  return { id: job.id, textIndex: held.textIndex };
}

port.on('message', (job: ParseJob | IndexJob) => {
  if (job.kind === 'index') return port.postMessage(index(job));
  port.postMessage(parse(job));
  const held = lastParsed;
  if (held?.id === job.id && (held.format === 'traceback' || held.format === 'debug1')) held.textIndex = textIndexOf(held.bytes, held.format);
});
