import type { RuntimeMetrics } from '../../shared/model.js';
import { NotADumpError } from '../../shared/errors.js';
import type { ParsedDump } from './types.js';
import { clip } from './clip.js';

function emptyMetrics(): RuntimeMetrics {
  return { numGoroutine: null, threads: null, heapAllocBytes: null, heapInuseBytes: null, gcCycles: null };
}

function metricsDump(format: 'expvar' | 'prometheus', metrics: RuntimeMetrics): ParsedDump {
  return {
    format,
    profile: null,
    // A count only when it reads as one: a gauge like `go_goroutines 1.5e300` stays in the metrics.
    declaredTotal: Number.isSafeInteger(metrics.numGoroutine) && metrics.numGoroutine! >= 0 ? metrics.numGoroutine : null,
    samples: [],
    threadStacks: 0,
    metrics,
    takenAtMs: null,
    warnings: [],
  };
}

// expvar publishes only `cmdline` and `memstats`; services commonly add a goroutine gauge by one of these.
const GOROUTINE_VARS = ['goroutines', 'NumGoroutine', 'num_goroutine', 'numGoroutine', 'go_goroutines'];

/**
 * `/debug/vars` JSON. Refuses JSON that is not expvar (no `memstats` and no `cmdline`), naming the
 * keys it saw.
 */
export function parseExpvar(text: string): ParsedDump {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new NotADumpError(`JSON that does not parse (${(cause as Error).message}); expected expvar /debug/vars`, {
      cause,
    });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new NotADumpError(`JSON ${Array.isArray(doc) ? 'array' : typeof doc}, not an expvar /debug/vars object`);
  }
  const vars = doc as Record<string, unknown>;
  if (!('memstats' in vars) && !('cmdline' in vars)) {
    const keys = Object.keys(vars).slice(0, 8).join(', ');
    throw new NotADumpError(`JSON that is not expvar /debug/vars (keys: ${clip(keys, 80) || 'none'}); expected "memstats" or "cmdline"`);
  }
  const metrics = emptyMetrics();
  for (const name of GOROUTINE_VARS) {
    if (typeof vars[name] === 'number') {
      metrics.numGoroutine = vars[name];
      break;
    }
  }
  const mem = vars.memstats as Record<string, unknown> | undefined;
  if (mem && typeof mem === 'object') {
    metrics.heapAllocBytes = typeof mem.HeapAlloc === 'number' ? mem.HeapAlloc : null;
    metrics.heapInuseBytes = typeof mem.HeapInuse === 'number' ? mem.HeapInuse : null;
    metrics.gcCycles = typeof mem.NumGC === 'number' ? mem.NumGC : null;
  }
  return metricsDump('expvar', metrics);
}

// `go_goroutines 103`, `go_memstats_heap_alloc_bytes 2.710648e+06`, `go_gc_duration_seconds_count{} 4`
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/;
const PROMETHEUS_NAMES: Record<string, keyof RuntimeMetrics> = {
  go_goroutines: 'numGoroutine',
  go_threads: 'threads',
  go_memstats_heap_alloc_bytes: 'heapAllocBytes',
  go_memstats_heap_inuse_bytes: 'heapInuseBytes',
  go_gc_duration_seconds_count: 'gcCycles',
};

/** Prometheus text exposition: the Go collector's gauges. Refuses text without `go_goroutines`. */
export function parsePrometheus(text: string): ParsedDump {
  const metrics = emptyMetrics();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) continue;
    const field = PROMETHEUS_NAMES[m[1]!];
    const value = Number(m[2]);
    if (field && Number.isFinite(value) && metrics[field] === null) metrics[field] = value;
  }
  if (metrics.numGoroutine === null) {
    throw new NotADumpError('Prometheus metrics without go_goroutines: not a Go service, or its Go collector is not registered');
  }
  return metricsDump('prometheus', metrics);
}
