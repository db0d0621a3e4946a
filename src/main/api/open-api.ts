import type { Disposable } from '../../shared/lifecycle.js';
import { HistoryStore, type OpenOptions } from '../store/history-store.js';
import { storeAnalysis } from './analysis-adapter.js';
import { collectRecorder } from './collect-recorder.js';
import { createApi, type Api } from './create-api.js';
import { NO_PROJECT_CONFIG, type LoadedConfig } from './project-config.js';

export interface OpenedApi extends Disposable {
  readonly api: Api;
  readonly store: HistoryStore;
  /** Ends recordings (each session marked ended), then disposes the api and closes the history. */
  close(): Promise<void>;
}

/**
 * The api over the history at `dbPath`, with the collector and leak analysis wired in: what `goroscope serve` and the
 * Electron app run. `config` is the project file the caller read (`loadProjectConfig`): its ignore rules
 * apply to suspects and reports. Throws what HistoryStore.open throws (SchemaTooNewError, InvalidInputError).
 * `dispose()` closes at once without waiting for recordings; `close()` waits for them.
 */
export interface OpenApiOptions {
  store?: OpenOptions;
  /** The project's ignore rules (`.goroscope.json`); none by default. */
  config?: LoadedConfig;
  /**
   * Whether requests may name an SSH hop. `serve --allow-remote` turns it off: the hop logs in with this
   * machine's keys and agent, which must not be lent to whoever else reaches the port.
   */
  isSshAllowed?: boolean;
}

export function openApi(dbPath: string, version: string, options: OpenApiOptions = {}): OpenedApi {
  const store = HistoryStore.open(dbPath, options.store ?? {});
  const api = createApi({
    store,
    version,
    recorder: collectRecorder(store, { isSshAllowed: options.isSshAllowed ?? true }),
    analysis: storeAnalysis(store, options.config ?? NO_PROJECT_CONFIG),
  });
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
