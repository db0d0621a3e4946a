import type { Frame } from './model.js';

/**
 * The frames a group key is made of. Shared because the analysis keys groups with it and the dump view
 * finds a debug=1 record's group with it (a record lists no goroutine ids): the two must never differ.
 */

// The profiler serving this very request: its frames above WriteTo differ per format
// (writeGoroutineStacks in debug=2, runtime_goroutineProfileWithLabels in debug=1 and protobuf).
const PROFILE_WRITE_TO = 'runtime/pprof.(*Profile).WriteTo';
// The compiler's wrapper for a `go f(x)` statement (Go ≥ 1.22 names it `gowrapN`). Profiles and
// debug=2 hide it, SIGQUIT/GOTRACEBACK=system tracebacks print it (`main.fetchFirst.gowrap1`), and an
// unstarted goroutine shows it alone (`net/http.(*connReader).startBackgroundRead.gowrap2`).
const GO_WRAPPER = /\.gowrap\d+$/;

/**
 * Frames of package `runtime` itself, and unqualified C-runtime frames of Go ≤ 1.4 (`stopm()`), and
 * `panic(...)` as Go ≥ 1.17 prints gopanic. Go hides these inconsistently between formats, so they
 * never take part in a group key. `runtime/pprof` and `runtime/debug` are not runtime frames.
 */
export function isRuntimeFrame(func: string): boolean {
  return func.startsWith('runtime.') || !func.includes('.');
}

/**
 * The frames that make a group key: runtime frames and `go` statement wrappers dropped (Go shows them
 * in some formats and not in others), and the profiler's own frames above `(*Profile).WriteTo`. A
 * stack of runtime frames only keeps them, minus `runtime.goexit`, so runtime goroutines stay apart
 * from each other.
 */
export function keyFrames(frames: readonly Frame[]): Frame[] {
  let start = 0;
  for (let i = 0; i < frames.length; i++) {
    if (frames[i]!.func === PROFILE_WRITE_TO) {
      start = i;
      break;
    }
  }
  const kept: Frame[] = [];
  for (let i = start; i < frames.length; i++) {
    const frame = frames[i]!;
    if (!isRuntimeFrame(frame.func) && !GO_WRAPPER.test(frame.func)) kept.push(frame);
  }
  if (kept.length > 0) return kept;
  return frames.filter((f) => f.func !== 'runtime.goexit' && !GO_WRAPPER.test(f.func));
}
