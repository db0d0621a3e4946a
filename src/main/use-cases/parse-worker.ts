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
 * After the snapshots, it answers a second time with the dump view's index of the text
 * (`indexDumpText`, the kept raw dump's spans): the import stores while it is made, and the dump
 * view's `snapshot.index` then neither decompresses nor scans 56 MB on serve's main thread.
 */

export interface ParseJob {
  id: number;
  bytes: Uint8Array;
  maxInflatedBytes: number;
}

export type ParseAnswer =
  | { id: number; ok: true; snapshots: Snapshot[] }
  | { id: number; ok: false; code: ErrorCode; message: string };

/** The second answer to a parsed job: null when the dump has no goroutine text to index. */
export interface IndexAnswer {
  id: number;
  textIndex: DumpTextIndex | null;
}

/** As `snapshot.index` would index the kept raw dump: the file's bytes, read as its first snapshot's format. */
function textIndexOf(bytes: Uint8Array, snapshots: readonly Snapshot[]): DumpTextIndex | null {
  const format = snapshots[0]?.format;
  if (format !== 'traceback' && format !== 'debug1') return null;
  try {
    return indexDumpText(bytes, format);
  } catch {
    return null; // the dump view computes it on demand then, and says what failed
  }
}

const port = parentPort;
if (port === null) throw new Error('parse-worker.js runs as a worker thread only (worker-intake.ts starts it)');
port.on('message', (job: ParseJob) => {
  let answer: ParseAnswer;
  try {
    answer = { id: job.id, ok: true, snapshots: parseSnapshots(job.bytes, { maxInflatedBytes: job.maxInflatedBytes }) };
  } catch (error) {
    const isOurs = error instanceof GoroscopeError;
    answer = {
      id: job.id,
      ok: false,
      code: isOurs ? error.code : 'BUG',
      message: isOurs ? error.message : `the parse failed: ${(error as Error).stack ?? String(error)}`,
    };
  }
  port.postMessage(answer);
  const indexAnswer: IndexAnswer = { id: job.id, textIndex: answer.ok ? textIndexOf(job.bytes, answer.snapshots) : null };
  port.postMessage(indexAnswer);
});
