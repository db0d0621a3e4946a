import type { Frame } from '../../shared/model.js';

/** `net/http.(*conn).serve` → `http.(*conn).serve`: the package's last path element and the rest. */
export function shortFunc(func: string): string {
  const slash = func.lastIndexOf('/', func.indexOf('(') >= 0 ? func.indexOf('(') : func.length);
  return slash >= 0 ? func.slice(slash + 1) : func;
}

/** `/usr/lib/go-1.19/src/net/http/server.go` → `server.go`. */
export function baseName(file: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return file.slice(slash + 1);
}

/** `main.(*session).next main.go:116`, or an em dash when there is no frame. */
export function formatSite(frame: Frame | null): string {
  return frame === null ? '—' : `${shortFunc(frame.func)} ${baseName(frame.file)}:${frame.line}`;
}

/** `net/http.(*conn).serve /usr/lib/go-1.19/src/net/http/server.go:1991`: the frame in full, for hover text. */
export function fullSite(frame: Frame | null): string {
  return frame === null ? '—' : `${frame.func} ${frame.file}:${frame.line}`;
}

export function sameFrame(a: Frame | null, b: Frame | null): boolean {
  return a !== null && b !== null && a.func === b.func && a.file === b.file && a.line === b.line;
}

// One formatter for every count: `toLocaleString` builds a new one per call, 50× slower.
const COUNT = new Intl.NumberFormat('en-US');

/** `+1,200`, `−3` (a real minus sign), `0`. */
export function formatDelta(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '\u2212'}${COUNT.format(Math.abs(n))}`;
}

export function formatCount(n: number | null): string {
  return n === null ? '—' : COUNT.format(n);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local `HH:MM:SS`. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local `YYYY-MM-DD HH:MM`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `1.2 MB`, `340 KB`, `12 B`. */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} KB`;
  return `${n} B`;
}
