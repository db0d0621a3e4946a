import type { Snapshot } from '../../shared/model.js';
import type { DumpTextIndex } from '../dump/dump-text-index.js';

/**
 * Bytes of a saved dump → grouped snapshots, with the input cap. `parseSnapshots` in this thread for
 * the CLI; a worker thread for `serve` and the app (`worker-intake.ts`), so that one large import never
 * stalls other clients or recordings. Rejects with what `parseSnapshots` throws.
 */
export type DumpParser = (bytes: Uint8Array, options: { maxInflatedBytes: number }) => Promise<Snapshot[]>;

/** How the api reads saved dumps: the parser and the cap on each dump's size (inflated). */
export interface DumpIntake {
  parse: DumpParser;
  maxInputBytes: number;
  /** Where the dump view's index is made off the main thread (serve and the app); absent: in this thread. */
  textIndexer?: TextIndexer;
}

/** The text of a dump `parse` was given, while the indexer may still hold it (see TextIndexer). */
export interface HeldText {
  readonly parseId: number;
}

/**
 * Makes the dump view's index (`indexDumpText`) of a dump's text in the parse worker: of bytes sent to
 * it, or of the last dump it parsed, which it holds until the next parse (an import's dump view then
 * costs the main thread no decompression and no copy).
 */
export interface TextIndexer {
  /** The handle on the text of `bytes` as given to `parse`; null when it was not parsed here. */
  heldTextOf(bytes: Uint8Array): HeldText | null;
  /** The index of `text`; null when a held text is gone (another dump was parsed since) or indexing failed. */
  index(text: Uint8Array | HeldText, format: 'traceback' | 'debug1'): Promise<DumpTextIndex | null>;
}
