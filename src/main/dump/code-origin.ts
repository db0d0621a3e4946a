import type { Frame } from '../../shared/model.js';
import { isRuntimeFrame } from '../../shared/key-frames.js';

/** `github.com/x/y.(*T).m` → `github.com/x/y`; `net/http.(*conn).serve` → `net/http`; `main.main` → `main`. */
export function packageOf(func: string): string {
  const slash = func.lastIndexOf('/');
  const dot = func.indexOf('.', slash + 1);
  return dot < 0 ? func : func.slice(0, dot);
}

// Top-level directories of Go's standard library ($GOROOT/src), for paths where no GOROOT is visible.
const STD_ROOTS = new Set([
  'archive', 'bufio', 'builtin', 'bytes', 'cmp', 'compress', 'container', 'context', 'crypto', 'database',
  'debug', 'embed', 'encoding', 'errors', 'expvar', 'flag', 'fmt', 'go', 'hash', 'html', 'image', 'index',
  'internal', 'io', 'iter', 'log', 'maps', 'math', 'mime', 'net', 'os', 'path', 'plugin', 'reflect',
  'regexp', 'runtime', 'slices', 'sort', 'strconv', 'strings', 'structs', 'sync', 'syscall', 'testing',
  'text', 'time', 'unicode', 'unique', 'unsafe', 'vendor', 'weak',
]);

function isStdPackagePath(pkg: string): boolean {
  const root = pkg.split('/', 1)[0]!;
  return !root.includes('.') && STD_ROOTS.has(root);
}

const ABSOLUTE = /^(?:\/|[A-Za-z]:[\\/])/;

/**
 * Tells the service's own code from Go's: learns GOROOT from the runtime frames of a dump
 * (`/usr/lib/go-1.19/src/runtime/proc.go` → `/usr/lib/go-1.19`, also `C:/Program Files/Go`, Homebrew
 * `libexec`, pre-1.4 `src/pkg`), and reads `-trimpath` forms (`net/http/server.go`) by package path.
 */
export class CodeOrigin {
  private readonly goroots: string[] = [];

  constructor(frames: Iterable<Frame>) {
    const seen = new Set<string>();
    for (const frame of frames) {
      const root = gorootOf(frame);
      if (root !== null && !seen.has(root)) {
        seen.add(root);
        this.goroots.push(root);
      }
    }
  }

  /** The GOROOTs seen in the dump's frames (usually one). */
  get knownGoroots(): readonly string[] {
    return this.goroots;
  }

  isStdlib(frame: Frame): boolean {
    if (isRuntimeFrame(frame.func)) return true;
    const file = frame.file.replace(/\\/g, '/');
    for (const root of this.goroots) if (file.startsWith(`${root}/src/`)) return true;
    const pkg = packageOf(frame.func);
    if (!isStdPackagePath(pkg)) return false;
    // trimpath: `net/http/server.go` for package `net/http`, and `runtime/sema.go` for
    // `sync.runtime_notifyListWait` (std functions the runtime implements live in its directory).
    if (!ABSOLUTE.test(file)) return !file.includes('/') || isStdPackagePath(file.slice(0, file.lastIndexOf('/')));
    // No GOROOT learnt yet: a std package at `…/src/<pkg>/file.go`.
    return this.goroots.length === 0 && (file.includes(`/src/${pkg}/`) || file.includes(`/src/pkg/${pkg}/`));
  }

  isUserCode(frame: Frame): boolean {
    return !this.isStdlib(frame);
  }
}

/**
 * `/usr/local/go/src/runtime/proc.go` (runtime.gopark) → `/usr/local/go`; also a std package's frame in
 * a std directory (`/usr/lib/go-1.27/src/runtime/sema.go` for sync.runtime_Semacquire) and
 * `…/src/pkg/runtime/proc.c` (Go ≤ 1.3).
 */
function gorootOf(frame: Frame): string | null {
  const pkg = packageOf(frame.func);
  if (!isRuntimeFrame(frame.func) && !isStdPackagePath(pkg)) return null;
  const file = frame.file.replace(/\\/g, '/');
  const m = /^(.*)\/src\/(?:pkg\/)?([^/]+)\/.+$/.exec(file);
  if (!m || !ABSOLUTE.test(file) || !STD_ROOTS.has(m[2]!)) return null;
  return m[1]!;
}
