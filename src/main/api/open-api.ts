import type { Disposable } from '../../shared/lifecycle.js';
import { HistoryStore, type OpenOptions } from '../store/history-store.js';
import { storeAnalysis } from '../use-cases/stored-analysis.js';
import { collectRecorder } from './collect-recorder.js';
import { createApi, type Api } from './create-api.js';
import { NO_PROJECT_CONFIG, type LoadedConfig } from '../use-cases/project-config.js';
import { createSourceAccess } from './source-handlers.js';
import { settingsPathFor } from '../source/source-settings-file.js';
import type { DumpIntake } from './ports.js';

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
  /** The service's own checkouts (`--source`), before those of `.goroscope.json` and the app's settings. */
  sourceRoots?: readonly string[];
  /**
   * Whether `source.open` may start an editor and `sourceSettings.set` may change roots and the editor
   * command: the Electron app and `serve` on loopback; never `serve --allow-remote`.
   */
  isLocalUser?: boolean;
  /** How `dump.import` parses uploads: `workerIntake` for serve and the app; in this thread otherwise. */
  intake?: DumpIntake;
}

export function openApi(dbPath: string, version: string, options: OpenApiOptions = {}): OpenedApi {
  const store = HistoryStore.open(dbPath, options.store ?? {});
  const api = createApi({
    store,
    version,
    recorder: collectRecorder(store, { isSshAllowed: options.isSshAllowed ?? true }),
    analysis: storeAnalysis(store, options.config ?? NO_PROJECT_CONFIG),
    source: createSourceAccess({
      fixedRoots: [...(options.sourceRoots ?? []), ...(options.config ?? NO_PROJECT_CONFIG).sourceRoots],
      settingsFile: settingsPathFor(store.path),
      canOpenEditor: options.isLocalUser ?? false,
      canChangeSettings: options.isLocalUser ?? false,
    }),
    ...(options.intake !== undefined ? { intake: options.intake } : {}),
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
