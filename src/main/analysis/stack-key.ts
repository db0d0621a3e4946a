import { createHash } from 'node:crypto';
import type { Frame } from '../../shared/model.js';
import { isRuntimeFrame } from './code-origin.js';

// The profiler serving this very request: its frames above WriteTo differ per format
// (writeGoroutineStacks in debug=2, runtime_goroutineProfileWithLabels in debug=1 and protobuf).
const PROFILE_WRITE_TO = 'runtime/pprof.(*Profile).WriteTo';
// The compiler's wrapper for a `go f(x)` statement (Go ≥ 1.22 names it `gowrapN`). Profiles and
// debug=2 hide it, SIGQUIT/GOTRACEBACK=system tracebacks print it (`main.fetchFirst.gowrap1`), and an
// unstarted goroutine shows it alone (`net/http.(*connReader).startBackgroundRead.gowrap2`).
const GO_WRAPPER = /\.gowrap\d+$/;

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

/** 16 hex digits of SHA-1 over `func file:line` of the key frames: stable across formats and runs. */
export function stackKeyOf(frames: readonly Frame[]): string {
  const hash = createHash('sha1');
  for (const f of frames) hash.update(`${f.func} ${f.file}:${f.line}\n`);
  return hash.digest('hex').slice(0, 16);
}
