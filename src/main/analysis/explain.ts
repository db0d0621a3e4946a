import type { Frame } from '../../shared/model.js';
import type { CodeOrigin } from '../dump/code-origin.js';
import type { StuckEvidence } from './stuck-evidence.js';
import { describePrimitive } from './explain-primitives.js';
import { describeTurnover } from './id-turnover.js';

/** What the service's code most likely did wrong, and which evidence says so. */
export interface Explanation {
  /** Stable id: `http-client-body-not-closed`, `mutex-never-unlocked`, … */
  pattern: string;
  title: string;
  text: string;
  support: string[];
}

/** A growing group as the explainer sees it (for "grew in step" checks between groups). */
export interface GrowingGroup {
  key: string;
  frames: readonly Frame[];
  createdBy: Frame | null;
  growth: number;
}

export interface ExplainInput {
  key: string;
  frames: readonly Frame[];
  createdBy: Frame | null;
  growth: number;
  stuck: StuckEvidence;
  /** The smallest rise that counts as growth (the turnover verdict uses it); default 3. */
  minGrowth?: number;
}

interface StdPattern {
  id: string;
  /** Any of these functions on the stack identifies the pattern (unless `matches` says otherwise). */
  functions: readonly string[];
  /** A finer test of the stack than `functions`. */
  matches?: (frames: readonly Frame[]) => boolean;
  /** Non-standard packages that may appear without making it the service's own code. */
  libraries?: readonly string[];
  title: string;
  text: string;
  /** Extra support from other growing groups (pairs that grow together). */
  related?: (self: ExplainInput, growing: readonly GrowingGroup[]) => string[];
}

const READ_LOOP = 'net/http.(*persistConn).readLoop';
const WRITE_LOOP = 'net/http.(*persistConn).writeLoop';
const SERVER_CONN = 'net/http.(*conn).serve';

const STD_PATTERNS: readonly StdPattern[] = [
  {
    id: 'http-client-body-not-closed',
    functions: [READ_LOOP, WRITE_LOOP],
    title: 'HTTP client response bodies not closed',
    text:
      'Every HTTP/1 client connection runs a readLoop and a writeLoop goroutine. A connection whose response body is ' +
      'never read to the end nor closed cannot go back to the idle pool, so the next request dials a new one and both ' +
      'goroutines stay. Close every resp.Body (defer resp.Body.Close() right after the error check, also on early ' +
      'returns for bad status codes) and drain it if you want the connection reused.',
    related: (self, growing) => {
      const own = self.frames.some((f) => f.func === READ_LOOP) ? READ_LOOP : WRITE_LOOP;
      const other = own === READ_LOOP ? WRITE_LOOP : READ_LOOP;
      const out: string[] = [];
      const pair = growing.find((g) => g.key !== self.key && g.frames.some((f) => f.func === other));
      if (pair) {
        out.push(
          `${shortName(own)} +${self.growth} and ${shortName(other)} +${pair.growth} ${inStep(self.growth, pair.growth) ? 'grew in step: one pair per connection' : 'both grew'}`,
        );
      }
      const server = growing.find((g) => isIdleServerConn(g.frames));
      if (server && inStep(self.growth, server.growth)) {
        out.push(`server connections (net/http.(*conn).serve) grew +${server.growth} in step: the other end of these connections is this same process`);
      }
      return out;
    },
  },
  {
    id: 'http-server-idle-connections',
    functions: ['net/http.(*conn).readRequest', SERVER_CONN],
    matches: isIdleServerConn,
    title: 'HTTP server connections kept open by their clients',
    text:
      'The server keeps one goroutine per open client connection; these wait for the next request on a keep-alive ' +
      'connection. They pile up when clients open connections and never close them (a client that leaks response ' +
      'bodies or builds a Transport per request), or when the server sets no IdleTimeout/ReadTimeout to close idle ones.',
    related: (self, growing) => {
      const client = growing.find((g) => g.frames.some((f) => f.func === READ_LOOP));
      return client && inStep(self.growth, client.growth)
        ? [`grew +${self.growth}, in step with client readLoop goroutines (+${client.growth}) in the same process: its own leaked client connections`]
        : [];
    },
  },
  {
    id: 'http2-client-connections',
    functions: ['net/http.(*http2ClientConn).readLoop', 'net/http.(*http2clientConnReadLoop).run', 'golang.org/x/net/http2.(*ClientConn).readLoop', 'golang.org/x/net/http2.(*clientConnReadLoop).run'],
    libraries: ['golang.org/x/net/'],
    title: 'HTTP/2 client connections never reused or closed',
    text:
      'Each HTTP/2 client connection runs a read loop until the connection closes. They accumulate when a new ' +
      'http.Transport (or a Client with its own Transport) is built per request, or responses are not closed. Share ' +
      'one Transport, close response bodies, and call CloseIdleConnections when dropping a Transport.',
  },
  {
    id: 'http2-server-connections',
    functions: ['net/http.(*http2serverConn).serve', 'golang.org/x/net/http2.(*serverConn).serve'],
    libraries: ['golang.org/x/net/'],
    title: 'HTTP/2 server connections held open by clients',
    text: 'One goroutine per open HTTP/2 client connection. They grow when clients keep connections open; set IdleTimeout on the server and check the clients.',
  },
  {
    id: 'sql-db-not-closed',
    functions: ['database/sql.(*DB).connectionOpener', 'database/sql.(*DB).connectionResetter'],
    title: 'sql.DB opened repeatedly and never closed',
    text:
      'Every *sql.DB runs a connectionOpener goroutine until DB.Close. A growing number of them means sql.Open is ' +
      'called per request (or per job) without Close. Open the database once at start-up and share the *sql.DB.',
  },
  {
    id: 'context-never-cancelled',
    functions: ['context.propagateCancel.func1', 'context.(*cancelCtx).propagateCancel.func2'],
    title: 'Derived contexts never cancelled',
    text:
      'context.WithCancel/WithTimeout on a parent of a custom Context type starts a goroutine that waits for the parent ' +
      'or the child to end. It stays when the cancel function is never called and the parent never ends. Call cancel ' +
      '(defer cancel()) on every path.',
  },
  {
    id: 'exec-cmd-not-waited',
    functions: ['os/exec.(*Cmd).watchCtx', 'os/exec.(*Cmd).Start.func1', 'os/exec.(*Cmd).Start.func2', 'os/exec.(*Cmd).writerDescriptor.func1'],
    title: 'Commands started and never waited for',
    text:
      'exec.Cmd copies the child\'s output and watches its context in goroutines that end only in Cmd.Wait. Call Wait ' +
      'after Start (or use Run/Output/CombinedOutput), also when reading the output fails.',
  },
  {
    id: 'http-dial-hangs',
    functions: ['net/http.(*Transport).dialConnFor'],
    title: 'HTTP client dials that never finish',
    text:
      'Dials to a host that does not answer stay in flight as long as the dialer lets them. Set net.Dialer{Timeout} in ' +
      'Transport.DialContext, a TLSHandshakeTimeout, and a deadline on the request context.',
  },
];

/**
 * Explains a growing group: a known standard-library pattern when the stack has no frame of the
 * service's own code, else what its blocking primitive usually means. Never fails: an unknown
 * shape gets a plain "blocked at" explanation.
 */
export function explainGroup(input: ExplainInput, origin: CodeOrigin, growing: readonly GrowingGroup[]): Explanation {
  const explanation = explainPattern(input, origin, growing);
  // Every trend suspect states its id turnover (issue 19): whether its goroutines finish is the evidence a pattern alone is not.
  return { ...explanation, support: [...explanation.support, turnoverSupport(input.stuck, input.minGrowth ?? 3)] };
}

/** The id turnover in one line, or why it is unknown. */
export function turnoverSupport(stuck: StuckEvidence, minGrowth: number): string {
  if (stuck.idTurnover) return `id ${describeTurnover(stuck.idTurnover, minGrowth)}`;
  return 'id turnover unknown: fewer than two full dumps (debug=2) show its goroutine ids';
}

function explainPattern(input: ExplainInput, origin: CodeOrigin, growing: readonly GrowingGroup[]): Explanation {
  for (const p of STD_PATTERNS) {
    if (!(p.matches ? p.matches(input.frames) : input.frames.some((f) => p.functions.includes(f.func)))) continue;
    const libraries = p.libraries ?? [];
    const ownFrame = input.frames.find((f) => origin.isUserCode(f) && !libraries.some((l) => f.func.startsWith(l)));
    if (ownFrame) continue;
    const support = [`no frame of the service's own code on the stack; it runs ${p.functions.filter((fn) => input.frames.some((f) => f.func === fn)).join(', ')}`];
    if (input.createdBy) support.push(`created by ${input.createdBy.func} (${baseName(input.createdBy.file)}:${input.createdBy.line})`);
    const states = input.stuck.states ? Object.keys(input.stuck.states) : [];
    if (states.length > 0) support.push(`state ${states.join(', ')}`);
    if (p.related) support.push(...p.related(input, growing));
    return { pattern: p.id, title: p.title, text: p.text, support };
  }
  return describePrimitive(input);
}

function inStep(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1, 0.1 * Math.max(a, b));
}

function shortName(func: string): string {
  return func.slice(func.lastIndexOf('.') + 1);
}

/**
 * A server connection goroutine waiting for the next request on a keep-alive connection (one running a
 * handler has the handler's frames instead). Go 1.19 waits in `(*conn).readRequest`, or with an
 * IdleTimeout set in `bufio.(*Reader).Peek` called by `(*conn).serve`; Go 1.27 always waits in that Peek.
 */
function isIdleServerConn(frames: readonly Frame[]): boolean {
  return frames.some((f, i) => f.func === 'net/http.(*conn).readRequest' || (f.func === 'bufio.(*Reader).Peek' && frames[i + 1]?.func === SERVER_CONN));
}

/** `main.go` for `/src/app/main.go` or `C:\\src\\app\\main.go`. */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
