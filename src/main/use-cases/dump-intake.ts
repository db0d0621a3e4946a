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
  /**
   * The dump view's index of the text of a dump `parse` was given (the same bytes), made off the main
   * thread after the parse (serve and the app: by the worker); null when none was made. Absent or
   * undefined: the index is made when the dump view asks for it.
   */
  textIndexOf?(bytes: Uint8Array): Promise<DumpTextIndex | null> | undefined;
}
