import type { Disposable } from '../../shared/lifecycle.js';
import { HistoryStore, type OpenOptions } from '../store/history-store.js';
import { storeAnalysis } from './analysis-adapter.js';
import { collectRecorder } from './collect-recorder.js';
import { createApi, type Api } from './create-api.js';

export interface OpenedApi extends Disposable {
  readonly api: Api;
  readonly store: HistoryStore;
  /** Ends recordings (each session marked ended), then disposes the api and closes the history. */
  close(): Promise<void>;
}

/**
 * The api over the history at `dbPath`, with the collector and leak analysis wired in: what `goroscope serve` and the
 * Electron app run. Throws what HistoryStore.open throws (SchemaTooNewError, InvalidInputError).
 * `dispose()` closes at once without waiting for recordings; `close()` waits for them.
 */
export function openApi(dbPath: string, version: string, storeOptions: OpenOptions = {}): OpenedApi {
  const store = HistoryStore.open(dbPath, storeOptions);
  const api = createApi({ store, version, recorder: collectRecorder(store), analysis: storeAnalysis(store) });
  let closing: Promise<void> | null = null;
  const dispose = (): void => {
    api.dispose();
    store.dispose();
  };
  return {
    api,
    store,
    close() {
      closing ??= api.cancelRecordings().finally(dispose);
      return closing;
    },
    dispose,
  };
}
