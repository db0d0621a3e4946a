import { Worker } from 'node:worker_threads';
import { BugError, InvalidInputError, NotADumpError, ResponseTooLargeError, type ErrorCode, type GoroscopeError } from '../../shared/errors.js';
import type { Disposable } from '../../shared/lifecycle.js';
import type { Snapshot } from '../../shared/model.js';
import type { DumpTextIndex } from '../dump/dump-text-index.js';
import { capText } from '../dump/gzip.js';
import type { DumpIntake, TextIndexer } from './dump-intake.js';
import type { IndexAnswer, IndexJob, ParseAnswer, ParseJob } from './parse-worker.js';
import { warmUpDump } from './warm-up-dump.js';

/**
 * Heap one parse may use. A 256 MiB text dump peaks near 600 MiB; past this limit the worker dies
 * instead of the process, and the import is refused saying so.
 */
export const PARSE_WORKER_HEAP_MB = 768;

interface Pending {
  resolve(snapshots: Snapshot[]): void;
  reject(error: Error): void;
}

/**
 * A DumpIntake that parses in one worker thread (`workerFile`: the built out/main/parse-worker.js),
 * one dump at a time, so that `serve` and the app keep answering and recording while a large import
 * is parsed, and at most one parse's memory is held. A worker that dies (out of its heap limit, or a
 * bug) fails the dump it was parsing and is replaced for the next. `heapMb` is the parse's heap limit.
 * Its `textIndexer` indexes dump text in the same worker, between parses. `warmUp()` starts the worker
 * and parses a generated dump in it, so the first import runs warm. `dispose()` stops it.
 */
export function workerIntake(
  workerFile: URL,
  maxInputBytes: number,
  heapMb = PARSE_WORKER_HEAP_MB,
): DumpIntake & { textIndexer: TextIndexer; warmUp(): void } & Disposable {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const pendingIndexes = new Map<number, (index: DumpTextIndex | null) => void>();
  // Which parse job had these bytes: the worker holds the last one's text for the dump view's index.
  const parseIdOf = new WeakMap<Uint8Array, number>();
  let queue: Promise<unknown> = Promise.resolve();

  const started = (): Worker => {
    if (worker !== null) return worker;
    const w = new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    w.unref(); // an idle parser never keeps the process alive
    w.on('message', (answer: ParseAnswer | IndexAnswer) => {
      if ('textIndex' in answer) {
        pendingIndexes.get(answer.id)?.(answer.textIndex);
        pendingIndexes.delete(answer.id);
        return;
      }
      const job = pending.get(answer.id);
      pending.delete(answer.id);
      if (job === undefined) return;
      if (answer.ok) job.resolve(answer.snapshots);
      else job.reject(errorOf(answer.code, answer.message));
    });
    const fail = (error: Error): void => {
      if (worker === w) worker = null;
      for (const job of pending.values()) job.reject(error);
      pending.clear();
      for (const resolve of pendingIndexes.values()) resolve(null);
      pendingIndexes.clear();
    };
    w.on('error', (error: Error & { code?: string }) => {
      fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ResponseTooLargeError(`the dump needs more than the ${heapMb} MiB a parse may use; it is too large or crafted to exhaust memory`, { cause: error })
          : new BugError(`the parse worker failed: ${error.message}`, { cause: error }),
      );
    });
    w.on('exit', (code) => fail(new BugError(`the parse worker exited (code ${code}) while parsing`)));
    worker = w;
    return w;
  };

  const parseOne = (bytes: Uint8Array, maxInflatedBytes: number): Promise<Snapshot[]> =>
    new Promise<Snapshot[]>((resolve, reject) => {
      const id = nextId++;
      const w = started();
      pending.set(id, { resolve, reject });
      w.ref(); // busy: keep the process alive until the answer
      const job: ParseJob = { kind: 'parse', id, bytes: ownBuffer(bytes), maxInflatedBytes };
      parseIdOf.set(bytes, id);
      w.postMessage(job);
    }).finally(() => worker?.unref());

  const parse: DumpIntake['parse'] = (bytes, options) => {
    if (bytes.length > options.maxInflatedBytes) {
      return Promise.reject(new ResponseTooLargeError(`an upload of ${bytes.length} bytes, past the ${capText(options.maxInflatedBytes)} cap; raise it with --max-bytes`));
    }
    // One at a time: each parse may take hundreds of MiB; two at once would double it.
    const result = queue.then(() => parseOne(bytes, options.maxInflatedBytes));
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    maxInputBytes,
    parse,
    warmUp() {
      // Its answer is not needed; a failure here is one the first import reports.
      parse(warmUpDump(), { maxInflatedBytes: maxInputBytes }).catch(() => undefined);
    },
    textIndexer: {
      heldTextOf(bytes) {
        const parseId = parseIdOf.get(bytes);
        return parseId === undefined ? null : { parseId };
      },
      index(text, format) {
        return new Promise<DumpTextIndex | null>((resolve) => {
          const id = nextId++;
          const isHeld = !(text instanceof Uint8Array);
          // A held text of a worker that died since went with it.
          if (isHeld && worker === null) return resolve(null);
          pendingIndexes.set(id, resolve);
          const job: IndexJob = { kind: 'index', id, bytes: isHeld ? null : ownBuffer(text), parseId: isHeld ? text.parseId : -1, format };
          started().postMessage(job);
        });
      },
    },
    dispose() {
      const w = worker;
      worker = null;
      if (w !== null) void w.terminate();
      for (const resolve of pendingIndexes.values()) resolve(null);
      pendingIndexes.clear();
    },
  };
}

/**
 * Posting a view copies its whole buffer: a file that is a slice of a larger upload body (several
 * files in one binary request) is copied out first, so each post copies only itself. A view of shared
 * memory (serve's binary body) is shared, not copied: the worker and main only read it.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  // Uint8Array's slice, not Buffer's (a view): the copy is what keeps the post small.
  return bytes.byteLength * 2 < bytes.buffer.byteLength ? Uint8Array.prototype.slice.call(bytes) : bytes;
}

/** The worker's error back as the class its code names, so callers treat it as if parsed here. */
function errorOf(code: ErrorCode, message: string): GoroscopeError {
  switch (code) {
    case 'NOT_A_DUMP':
      return new NotADumpError(message);
    case 'RESPONSE_TOO_LARGE':
      return new ResponseTooLargeError(message);
    case 'INVALID_INPUT':
      return new InvalidInputError(message);
    default:
      return new BugError(message);
  }
}
