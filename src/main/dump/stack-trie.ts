import type { Frame } from '../../shared/model.js';
import { StackInterner } from './frame-interner.js';

/**
 * The stacks a traceback parser has read so far, as a trie of the lines that printed them. A dump of
 * 50,000 goroutines holds a few dozen stacks, so nearly every line repeats a line already seen at the
 * same place of the same stack: the parser walks down the trie comparing each line with the few
 * lines known there (no hash computed, no regular expression run) and reaches the goroutine's end
 * with its frames already interned. Only a line not seen there before is parsed.
 *
 *   root ── call `main.worker` ── site `\t/src/app/main.go:84 +0x4c` ──▶ node [main.worker]
 *             (function lines,      (file lines, compared whole:        └─ call `main.run` ── …
 *              compared by name)     offsets included)                  └─ creator `created by main.main` ── site …
 *
 * Memory is bounded: each list keeps its first entries (MAX_CALLS, MAX_SITES; a line past them is
 * read the slow way), and the trie starts afresh when it holds CACHE_LIMIT entries.
 */

/** A stack position: the frames from the top of the stack down to `frame`. */
export interface StackNode {
  readonly parent: StackNode | null;
  /** Null at the root (no frame read yet). */
  readonly frame: Frame | null;
  readonly depth: number;
  /** Function lines met after this position, by function name. */
  readonly calls: Call[];
  /** `created by` lines met after this position (it was a goroutine's last frame), by function name. */
  readonly creators: Call[];
  /** The frames root → here, interned; built when a goroutine first ends here. */
  stack: Frame[] | null;
}

/** A function line by its name (arguments differ per goroutine), with the file lines met after it. */
export interface Call {
  readonly func: string;
  /** What the line starts with: the name (then `(`), or `created by ` and the name. */
  readonly prefix: string;
  readonly sites: Site[];
}

/** A file line as printed (`+0x` offset included), its frame, and the position it leads to (null after `created by`). */
export interface Site {
  readonly text: string;
  readonly frame: Frame;
  readonly next: StackNode | null;
}

/** Entries (nodes, calls, sites) before the trie starts afresh: a crafted dump must not grow it without limit. */
const CACHE_LIMIT = 100_000;
/**
 * Function names kept per position. Below the top frame stacks fan out to a few; at the top a real
 * service shows dozens (39 in a 129-goroutine dump of the corpus). The scan skips names of another
 * length without reading the line, so a long list stays cheap.
 */
const MAX_CALLS = 128;
/** File lines kept per function: usually one; several `+0x` offsets of one line, or SIGQUIT's `sp=` per goroutine. */
const MAX_SITES = 8;

const CREATED_BY = 'created by ';
const IN_GOROUTINE = ' in goroutine ';

export class StackTrie {
  private root = newNode(null, null);
  private size = 0;
  private readonly stacks = new StackInterner();

  /** Where each goroutine's walk starts. Starts afresh when full, so call it only between goroutines. */
  start(): StackNode {
    if (this.size >= CACHE_LIMIT) {
      this.root = newNode(null, null);
      this.size = 0;
    }
    return this.root;
  }

  /** The call named `func` at `node`, added when there is room (a call past MAX_CALLS is a loose one, not kept). */
  call(node: StackNode, func: string): Call {
    return this.findOrAdd(node.calls, func, func);
  }

  /** The `created by func` call at `node`. */
  creator(node: StackNode, func: string): Call {
    return this.findOrAdd(node.creators, func, CREATED_BY + func);
  }

  /**
   * Records that file line `text` followed `call` (at `node`) and printed `frame`; returns the site.
   * `node` is null for a `created by` call, whose frame is not part of the stack.
   */
  site(call: Call, node: StackNode | null, text: string, frame: Frame): Site {
    let next: StackNode | null = null;
    if (node !== null) {
      // Another `+0x` offset of a known frame leads to the same position.
      next = call.sites.find((s) => s.frame === frame)?.next ?? null;
      if (next === null) {
        next = newNode(node, frame);
        this.size++;
      }
    }
    const site: Site = { text, frame, next };
    if (call.sites.length < MAX_SITES) {
      call.sites.push(site);
      this.size++;
    }
    return site;
  }

  /** The interned frames of the stack ending at `node` (goroutines with the same frames share one array). */
  stackOf(node: StackNode): Frame[] {
    if (node.stack === null) {
      const frames = new Array<Frame>(node.depth);
      for (let n: StackNode = node; n.frame !== null; n = n.parent!) frames[n.depth - 1] = n.frame;
      node.stack = this.stacks.intern(frames);
    }
    return node.stack;
  }

  private findOrAdd(calls: Call[], func: string, prefix: string): Call {
    for (const call of calls) if (call.func === func) return call;
    const call: Call = { func, prefix, sites: [] };
    if (calls.length < MAX_CALLS) {
      calls.push(call);
      this.size++;
    }
    return call;
  }
}

function newNode(parent: StackNode | null, frame: Frame | null): StackNode {
  return { parent, frame, depth: parent === null ? 0 : parent.depth + 1, calls: [], creators: [], stack: null };
}

/*
 * The matchers below read one line, chunk[start, end), and accept only the exact shape Go prints (no
 * indentation to trim, nothing after the last `)`); any other spelling returns null and the general
 * line shapes (line-shapes.ts) read it. Each accepts a line only when those would read it the same
 * way. A candidate of another length is skipped without reading the line; one of the same length is
 * compared as a sliced string: V8 compares two strings with memcmp, which is several times faster
 * here than `startsWith` at an offset or a loop over charCodeAt.
 */

/**
 * The call among `calls` that a function line prints: `main.(*T).run(0xc000010000, {0x7761a0?})`
 * → the call named `main.(*T).run`. As parseFuncLine: the name is what precedes the last `(`, and
 * the line ends with `)`.
 */
export function findCall(calls: readonly Call[], chunk: string, start: number, end: number): Call | null {
  if (calls.length === 0 || end - start < 3 || chunk.charCodeAt(start) <= 32 || chunk.charCodeAt(end - 1) !== 41 /* ) */) return null;
  const open = chunk.lastIndexOf('(', end - 2);
  const length = open - start;
  if (length <= 0) return null;
  let name: string | null = null;
  for (const call of calls) {
    if (call.prefix.length !== length) continue;
    name ??= chunk.slice(start, open);
    if (name === call.prefix) return call;
  }
  return null;
}

/** The site among `sites` whose file line is exactly chunk[start, end): `\t/src/app/main.go:84 +0x4c`. */
export function findSite(sites: readonly Site[], chunk: string, start: number, end: number): Site | null {
  const length = end - start;
  let text: string | null = null;
  for (const site of sites) {
    if (site.text.length !== length) continue;
    text ??= chunk.slice(start, end);
    if (text === site.text) return site;
  }
  return null;
}

/**
 * The creator among `creators` that a `created by` line names: `created by main.main` or, Go ≥ 1.21,
 * `created by main.main in goroutine 1` (read its id with createdByGoroutine). As parseCreatedBy.
 */
export function findCreator(creators: readonly Call[], chunk: string, start: number, end: number): Call | null {
  if (creators.length === 0 || chunk.charCodeAt(start) !== 99 /* c */) return null;
  for (const call of creators) {
    const after = start + call.prefix.length;
    if (after > end || (after < end && chunk.charCodeAt(after) !== 32)) continue;
    if (chunk.slice(start, after) === call.prefix && creatorSuffixId(chunk, after, end) !== undefined) return call;
  }
  return null;
}

/** The `in goroutine N` of a `created by` line that findCreator matched with `creator`; null when absent. */
export function createdByGoroutine(creator: Call, chunk: string, start: number, end: number): number | null {
  return creatorSuffixId(chunk, start + creator.prefix.length, end) ?? null;
}

/** What follows the function of a `created by` line: nothing (null), ` in goroutine N` (N), else undefined. */
function creatorSuffixId(chunk: string, from: number, end: number): number | null | undefined {
  if (from === end) return null;
  const digits = from + IN_GOROUTINE.length;
  // Up to 15 digits are exact as a double, as Number() reads them.
  if (end <= digits || end - digits > 15 || chunk.slice(from, digits) !== IN_GOROUTINE) return undefined;
  let id = 0;
  for (let i = digits; i < end; i++) {
    const c = chunk.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    id = id * 10 + (c - 48);
  }
  return id;
}
