import { InvalidInputError } from '../../shared/errors.js';
import { DirectConnector } from './connector.js';
import { TargetClient } from './target-client.js';
import { normaliseTarget } from './target-url.js';

/** How many instances a fleet records when no `--top` says otherwise: a gentle default for production. */
export const MAX_FLEET_INSTANCES = 32;

/** Prometheus answers are small JSON documents; anything bigger is not what we asked for. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const QUERY_TIMEOUT_MS = 10_000;

export interface PrometheusSelection {
  /** Base URL of the Prometheus server, e.g. `http://127.0.0.1:9090`. */
  prometheusUrl: string;
  job: string;
  /** `LABEL=VALUE` pairs every target must carry (also added to the PromQL selector). */
  match: readonly string[];
  /** The pprof port when it differs from the metrics port; null: the same host and port. */
  pprofPort: number | null;
  /** The window `deriv()` ranks growth over, as PromQL writes it (`15m`, `30s`). */
  lookback: string;
  /** Record only the K fastest-growing instances; null: all, up to MAX_FLEET_INSTANCES. */
  top: number | null;
  signal?: AbortSignal;
}

/** One instance of the job as Prometheus sees it, with what we will record from it. */
export interface FleetInstance {
  /** The `instance` label (`10.0.3.7:8080`, or a name a relabelling gave it). */
  name: string;
  /** Where its pprof endpoints are: the scrape URL's scheme, host and port, or `--pprof-port`. */
  url: string;
  labels: Record<string, string>;
  /** `deriv(go_goroutines[lookback])` in goroutines per minute; null when Prometheus has too few samples. */
  growthPerMin: number | null;
  /** The last `go_goroutines` sample; null when none. */
  goroutines: number | null;
}

export interface DiscoveredFleet {
  instances: FleetInstance[];
  /** Instances of the job left out, each with why (down in Prometheus, past `--top` or the cap). */
  skipped: { name: string; why: string }[];
  /** The PromQL the ranking came from, shown to the user. */
  query: string;
}

interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** `team=payments` → ['team', 'payments']; throws InvalidInputError naming the bad pair. */
export function parseMatch(pair: string): [string, string] {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(pair.trim());
  if (!m) throw new InvalidInputError(`--match "${pair}": expected LABEL=VALUE, e.g. --match 'zone=eu-1'`);
  return [m[1]!, m[2]!];
}

/** A PromQL label matcher value: quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Reads a job's active targets from Prometheus' HTTP API (`/api/v1/targets`) and ranks them by
 * goroutine growth (`deriv(go_goroutines{job=…}[lookback])`, `/api/v1/query`), fastest first. Targets
 * that are down are skipped (with Prometheus' last error); `top` (else MAX_FLEET_INSTANCES) bounds the
 * rest. Throws InvalidInputError when the job has no active target (naming the jobs Prometheus has),
 * for a bad `--match`, or when the server is not a Prometheus API; TargetUnreachableError, TimeoutError
 * and HttpStatusError name the Prometheus URL when it cannot be asked.
 */
export async function discoverFleet(sel: PrometheusSelection): Promise<DiscoveredFleet> {
  const matchers = sel.match.map(parseMatch);
  const api = new TargetClient(normaliseTarget(sel.prometheusUrl), new DirectConnector(), { timeoutMs: QUERY_TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES });
  const targets = await apiGet<{ activeTargets: ActiveTarget[] }>(api, '/api/v1/targets?state=active', sel.signal);
  const ofJob = targets.activeTargets.filter((t) => t.labels['job'] === sel.job);
  if (ofJob.length === 0) {
    const jobs = [...new Set(targets.activeTargets.map((t) => t.labels['job'] ?? ''))].sort();
    throw new InvalidInputError(
      `Prometheus ${api.target.baseUrl} has no active target of job "${sel.job}"; its jobs are: ${jobs.length > 0 ? jobs.join(', ') : 'none'}`,
    );
  }
  const chosen = ofJob.filter((t) => matchers.every(([k, v]) => t.labels[k] === v));
  if (chosen.length === 0) {
    throw new InvalidInputError(`no target of job "${sel.job}" has ${sel.match.join(', ')} (Prometheus ${api.target.baseUrl}, ${ofJob.length} targets in the job)`);
  }
  const selector = [['job', sel.job] as const, ...matchers].map(([k, v]) => `${k}=${quoted(v)}`).join(',');
  const query = `deriv(go_goroutines{${selector}}[${sel.lookback}])`;
  const [growth, now] = await Promise.all([
    apiGet<{ result: VectorSample[] }>(api, `/api/v1/query?query=${encodeURIComponent(query)}`, sel.signal),
    apiGet<{ result: VectorSample[] }>(api, `/api/v1/query?query=${encodeURIComponent(`go_goroutines{${selector}}`)}`, sel.signal),
  ]);
  const perSecond = byInstance(growth.result);
  const current = byInstance(now.result);
  const skipped: DiscoveredFleet['skipped'] = [];
  const up: FleetInstance[] = [];
  for (const t of chosen) {
    const name = t.labels['instance'] ?? t.scrapeUrl;
    if (t.health === 'down') {
      skipped.push({ name, why: `down in Prometheus${t.lastError ? `: ${t.lastError}` : ''}` });
      continue;
    }
    const g = perSecond.get(name);
    up.push({ name, url: pprofUrlOf(t.scrapeUrl, sel.pprofPort), labels: t.labels, growthPerMin: g === undefined ? null : g * 60, goroutines: current.get(name) ?? null });
  }
  up.sort((a, b) => (b.growthPerMin ?? -Infinity) - (a.growthPerMin ?? -Infinity) || (a.name < b.name ? -1 : 1));
  const keep = Math.min(sel.top ?? MAX_FLEET_INSTANCES, MAX_FLEET_INSTANCES);
  for (const left of up.slice(keep)) skipped.push({ name: left.name, why: sel.top !== null ? `not in the top ${sel.top} by growth` : `past the cap of ${MAX_FLEET_INSTANCES} instances (use --top)` });
  return { instances: up.slice(0, keep), skipped, query };
}

/** The instance's pprof base URL: its scrape URL without the metrics path, on `pprofPort` when given. */
export function pprofUrlOf(scrapeUrl: string, pprofPort: number | null): string {
  const u = new URL(scrapeUrl);
  u.search = '';
  if (pprofPort !== null) u.port = String(pprofPort);
  return normaliseTarget(u.toString()).baseUrl;
}

function byInstance(samples: readonly VectorSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const v = Number(s.value[1]);
    if (s.metric['instance'] !== undefined && Number.isFinite(v)) out.set(s.metric['instance'], v);
  }
  return out;
}

/** One Prometheus API call → its `data`; throws InvalidInputError for an answer that is not the API's JSON or says `error`. */
async function apiGet<T>(api: TargetClient, path: string, signal: AbortSignal | undefined): Promise<T> {
  const res = await api.get(path, signal ? { signal } : {});
  let doc: { status?: string; data?: unknown; error?: string; errorType?: string };
  try {
    doc = JSON.parse(res.body.toString('utf8')) as typeof doc;
  } catch (cause) {
    throw new InvalidInputError(`GET ${res.url}: expected the Prometheus HTTP API's JSON, got ${JSON.stringify(res.body.subarray(0, 60).toString('utf8'))}`, { cause });
  }
  if (doc.status !== 'success' || typeof doc.data !== 'object' || doc.data === null) {
    throw new InvalidInputError(`GET ${res.url}: Prometheus answered ${doc.errorType ?? doc.status ?? 'no status'}: ${doc.error ?? 'no data'}`);
  }
  return doc.data as T;
}
