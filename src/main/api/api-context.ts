import type { HistoryStore } from '../store/history-store.js';
import type { EventHub } from './event-hub.js';
import type { AnalysisPort, DumpIntake, RecorderPort, RecordingHandle } from './ports.js';
import type { SourceAccess } from './source-handlers.js';

/** What every handler group shares: the history, the event hub, live recordings and the seams. */
export interface ApiContext {
  store: HistoryStore;
  events: EventHub;
  recorder: RecorderPort | null;
  analysis: AnalysisPort | null;
  /** Source mapping: the app's report shows code when source roots are configured. */
  source: SourceAccess | null;
  /** Recordings this process runs, by session id. */
  recordings: Map<number, RecordingHandle>;
  now: () => number;
  /** How `dump.import` parses uploads; in this thread with the default cap when not given. */
  intake?: DumpIntake;
}
