import { HttpStatusError, isExpectedError, NotADumpError, NotGoEndpointError } from '../../shared/errors.js';
import { parseExpvar, parsePrometheus } from '../dump/runtime-metrics.js';
import { assertNotHtml, type FetchOptions, type TargetClient } from './target-client.js';

/** What a target serves, as discovered before recording. */
export interface Discovery {
  baseUrl: string;
  /** `/debug/pprof/goroutine` (always true for a recordable target). */
  goroutine: boolean;
  /** `/debug/pprof/goroutineleak` (Go ≥ 1.26 with the profile enabled). */
  goroutineLeak: boolean;
  /** `/debug/vars` answers with expvar JSON. */
  expvar: boolean;
  /** `/metrics` answers with Prometheus text that has `go_goroutines`. */
  metrics: boolean;
}

export const PATHS = {
  index: '/debug/pprof/',
  compactText: '/debug/pprof/goroutine?debug=1',
  compactProto: '/debug/pprof/goroutine?debug=0',
  full: '/debug/pprof/goroutine?debug=2',
  leak: '/debug/pprof/goroutineleak?debug=1',
  expvar: '/debug/vars',
  metrics: '/metrics',
} as const;

/** Names of what a discovery found, for session records and messages: `goroutine, goroutineleak, /debug/vars`. */
export function describeDiscovery(d: Discovery): string[] {
  return [
    d.goroutine ? 'goroutine' : null,
    d.goroutineLeak ? 'goroutineleak' : null,
    d.expvar ? PATHS.expvar : null,
    d.metrics ? PATHS.metrics : null,
  ].filter((s): s is string => s !== null);
}

/**
 * Reads the `/debug/pprof/` index for `goroutine` and `goroutineleak`, falls back to probing the
 * goroutine profile when the index is not served, and probes `/debug/vars` and `/metrics`. Transport
 * failures (refused, DNS, timeout, TLS) are thrown as they are; a target that answers but is not a Go
 * pprof endpoint gets NotGoEndpointError saying what it serves instead.
 */
export async function discover(client: TargetClient, options: FetchOptions = {}): Promise<Discovery> {
  const d: Discovery = { baseUrl: client.target.baseUrl, goroutine: false, goroutineLeak: false, expvar: false, metrics: false };
  let indexProblem: string;
  try {
    const index = await client.get(PATHS.index, options);
    const html = index.body.toString('utf8');
    d.goroutine = /href=['"]?goroutine\?/.test(html);
    d.goroutineLeak = /href=['"]?goroutineleak\?/.test(html);
    indexProblem = d.goroutine ? '' : `${client.urlOf(PATHS.index)} answers but links no goroutine profile`;
  } catch (error) {
    if (!(error instanceof HttpStatusError)) throw error;
    indexProblem = error.message;
  }
  if (!d.goroutine) d.goroutine = await probe(client, PATHS.compactText, options, (b) => /^\s*goroutine profile: total \d+/.test(b));
  d.expvar = await probe(client, PATHS.expvar, options, (b) => isParsed(() => parseExpvar(b)));
  d.metrics = await probe(client, PATHS.metrics, options, (b) => isParsed(() => parsePrometheus(b)));
  if (d.goroutine) return d;
  const serves = [d.expvar ? PATHS.expvar : null, d.metrics ? PATHS.metrics : null].filter((s) => s !== null);
  throw new NotGoEndpointError(
    serves.length > 0
      ? `${d.baseUrl} serves ${serves.join(' and ')} but no goroutine profile (${indexProblem}); register net/http/pprof (import _ "net/http/pprof") on this listener`
      : `${d.baseUrl} is not a Go service with pprof: ${indexProblem}, and neither /debug/vars nor /metrics answers as Go's; expected the base URL of a service that imports net/http/pprof`,
  );
}

function isParsed(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    if (error instanceof NotADumpError) return false;
    throw error;
  }
}

/**
 * True when `path` answers 2xx with a body `accept` takes; HTTP errors, HTML and other bodies are false.
 * The goroutine profile is what a recording needs, so its transport failures are thrown. `/debug/vars`
 * and `/metrics` are extras: any failure of theirs (a handler that hangs past the timeout, a body over
 * the cap, a reset) only means they are not recorded.
 */
async function probe(client: TargetClient, path: string, options: FetchOptions, accept: (body: string) => boolean): Promise<boolean> {
  try {
    const result = await client.get(path, options);
    assertNotHtml(result);
    return accept(result.body.toString('utf8'));
  } catch (error) {
    if (error instanceof HttpStatusError || error instanceof NotGoEndpointError) return false;
    const isOptional = path !== PATHS.compactText;
    if (isOptional && isExpectedError(error) && !options.signal?.aborted) return false;
    throw error;
  }
}
