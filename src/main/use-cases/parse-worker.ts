import { parentPort } from 'node:worker_threads';
import { GoroscopeError } from '../../shared/errors.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/model.js';
import { parseSnapshots } from '../dump/parse-snapshots.js';

/**
 * The worker thread `worker-intake.ts` runs (built as out/main/parse-worker.js): parses one dump per
 * message, in the order received, and answers with the snapshots or the error's code and message.
 * Parsing is the one CPU-heavy step of an import; here it cannot stall `serve`'s event loop.
 */

export interface ParseJob {
  id: number;
  bytes: Uint8Array;
  maxInflatedBytes: number;
}

export type ParseAnswer =
  | { id: number; ok: true; snapshots: Snapshot[] }
  | { id: number; ok: false; code: ErrorCode; message: string };

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
});
