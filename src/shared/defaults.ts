/**
 * Every default a user can change, written once: the contract's schemas (`contract.ts`), the CLI's
 * flags, the use cases (`src/main/use-cases`) and the collector read them from here, so `record`,
 * `check`, `serve` and the app start from the same numbers. Pure constants: the renderer may read them too.
 */

/** Time between ticks of a recording (`--interval`, `recording.start`). */
export const DEFAULT_INTERVAL_MS = 2_000;
/** The fastest a recording may tick: each tick asks the service for a profile. */
export const MIN_INTERVAL_MS = 200;
/** The slowest a recording may tick. */
export const MAX_INTERVAL_MS = 3_600_000;
/** A full debug=2 dump every this many ticks (and on the first and last). */
export const DEFAULT_FULL_EVERY = 10;
/** `check` is short: full dumps (ids, wait minutes) every 5 ticks give the analysis more to go on. */
export const CHECK_FULL_EVERY = 5;
/** How long `check URL` records when no `--duration` is given. */
export const CHECK_DURATION = '60s';
/** Time limit of one request to a target (`record --timeout`). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Connection test and discovery get this long before the UI is told the target is too slow. */
export const TEST_TIMEOUT_MS = 10_000;
/**
 * The largest dump Goroscope reads, inflated or not: files, standard input, uploads to `serve` and
 * recorded responses alike (`--max-bytes` raises it). Go's own debug=2 handler stops at 64 MiB, so a
 * real dump is far below; parsing 256 MiB of text peaks well under 1 GiB of memory.
 */
export const DEFAULT_MAX_INPUT_BYTES = 256 << 20;
/** Requests in flight across a fleet's instances (`--max-concurrent`). */
export const DEFAULT_MAX_CONCURRENT = 4;
/** The PromQL range a Prometheus-found fleet is ranked over: `deriv(go_goroutines[15m])` (`--lookback`). */
export const DEFAULT_LOOKBACK = '15m';
/** Full dumps slower or larger than this are taken less often in a fleet (`--full-dump-time`, `--full-dump-size`). */
export const DEFAULT_FULL_DUMP_BUDGET: { readonly maxDurationMs: number; readonly maxBytes: number } = { maxDurationMs: 250, maxBytes: 8 * 1024 * 1024 };
/** Raw dumps a recording keeps (`--keep-raw`): full dumps only, all, or none. */
export const RAW_RETENTIONS = ['full', 'all', 'none'] as const;
export const DEFAULT_RAW_RETENTION: (typeof RAW_RETENTIONS)[number] = 'full';
/** Raw dumps kept per recorded session besides the first. */
export const DEFAULT_RAW_KEEP_LAST = 100;
/** The report's formats; the first is the default when neither `--format` nor the output's extension says. */
export const REPORT_FORMATS = ['html', 'md', 'json'] as const;
export const DEFAULT_REPORT_FORMAT: (typeof REPORT_FORMATS)[number] = 'html';
