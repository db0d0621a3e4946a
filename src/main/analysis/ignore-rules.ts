/**
 * `.goroscope.json` — the project file `goroscope report` and `goroscope check` read from the working
 * folder (or `--config FILE`). Every field is optional; unknown fields are refused with their name.
 *
 *   {
 *     "ignore": [
 *       { "topFunction": "go.opencensus.io/stats/view.(*worker).start", "reason": "exporter, one per process" },
 *       { "anyFunction": "github.com/acme/pool.*", "state": "chan receive", "maxCount": 16 },
 *       { "blockingSite": "internal/cache/cache.go:57" },
 *       { "createdBy": "main.startWorkers", "unlessGrowing": true }
 *     ],
 *     "builtinIgnores": true,
 *     "minGrowth": 3,
 *     "sourceRoots": ["../svc"]
 *   }
 *
 * A rule matches a group when every matcher it has matches (goleak's IgnoreTopFunction is
 * `topFunction`, IgnoreAnyFunction is `anyFunction`):
 * - `topFunction`: the first frame of the normalised stack (runtime frames dropped), by function name;
 * - `anyFunction`: any frame of it; function names match exactly, or as a prefix when they end in `*`;
 * - `blockingSite`: `file:line` (a path suffix at a `/` boundary, e.g. `main.go:84`) or a function name;
 * - `createdBy`: the `created by` site, in the same two forms (known from debug=2 dumps only);
 * - `state`: a wait reason seen in a debug=2 dump (`select`, `chan receive`, `IO wait`);
 * - `maxCount`: only while the group never had more goroutines than this;
 * - `unlessGrowing`: never hide a group that grows (or that the runtime proved leaked);
 * - `reason`: shown in reports next to the rule.
 * Ignored groups are never suspects; those that grew are listed in reports as set aside, with the rule.
 * `builtinIgnores: false` switches off BUILTIN_RULES below. `minGrowth` is the smallest rise above the
 * baseline, in goroutines, that counts as growth. `sourceRoots` are local checkouts of the service's own
 * modules (relative to the file's folder), where source views and report excerpts read code.
 */
import { z } from 'zod';
import type { Frame } from '../../shared/model.js';
import { InvalidInputError } from '../../shared/errors.js';

// A function name, exact, or a prefix when it ends in `*`: `net/http/pprof.*`. Receivers keep their
// own star: `main.(*T).run`.
const FunctionPattern = z
  .string()
  .min(1, 'expected a function name, got an empty string')
  .refine((s) => !/(?<!\()\*(?!$)/.test(s), { message: '"*" is allowed only at the end (a prefix match) or in a receiver such as (*T)' });

// `main.go:84`, `internal/cache/cache.go:57` (a path suffix and a line), or a function pattern. Go
// function names never hold a colon, so one without a line after it is a mistake, not a name.
const SitePattern = FunctionPattern.refine((s) => !s.includes(':') || /^.+:\d+$/.test(s), {
  message: 'expected file:line such as "main.go:84", or a function name',
});

const MATCHERS = ['topFunction', 'anyFunction', 'blockingSite', 'state', 'createdBy'] as const;

/**
 * One ignore rule of `.goroscope.json`. Every field given must match (AND); a group is ignored when
 * any rule matches it (OR). `maxCount` limits a rule to groups never larger than that; `unlessGrowing`
 * keeps a rule from hiding a group that grows.
 */
export const IgnoreRuleSchema = z
  .strictObject({
    topFunction: FunctionPattern.optional(),
    anyFunction: FunctionPattern.optional(),
    blockingSite: SitePattern.optional(),
    state: z.string().min(1, 'expected a state such as "select" or "chan receive"').optional(),
    createdBy: SitePattern.optional(),
    maxCount: z.number().int().nonnegative().optional(),
    unlessGrowing: z.boolean().optional(),
    reason: z.string().optional(),
  })
  .refine((r) => MATCHERS.some((m) => r[m] !== undefined), {
    message: `a rule needs at least one of ${MATCHERS.join(', ')}`,
  });
export type IgnoreRule = z.infer<typeof IgnoreRuleSchema>;

/** `.goroscope.json`: the project file `goroscope report` and `check` read from the working folder. */
export const ProjectConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  ignore: z.array(IgnoreRuleSchema).default([]),
  /** false shows the profiler's own goroutines and the HTTP server's accept loop and background reads. */
  builtinIgnores: z.boolean().default(true),
  /** Smallest rise above the baseline, in goroutines, that counts as growth (default 3). */
  minGrowth: z.number().int().positive().default(3),
  /** Local checkouts of the service's own modules, for source views and report excerpts; relative to the file's folder. */
  sourceRoots: z.array(z.string().min(1, 'expected a folder, got an empty string')).default([]),
});
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

export const DEFAULT_PROJECT_CONFIG: ProjectConfig = { ignore: [], builtinIgnores: true, minGrowth: 3, sourceRoots: [] };

/** A rule with where it came from: `builtin:<id>` or `<file>#ignore[<i>]`. */
export interface SourcedRule {
  id: string;
  rule: IgnoreRule;
  isBuiltin: boolean;
}

/**
 * Parses the text of a project file. Throws InvalidInputError naming the file, the field path and
 * what was expected: `.goroscope.json: ignore[1].topFunction: expected string, got number`.
 */
export function parseProjectConfig(text: string, fileName: string): ProjectConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError(`${fileName}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const result = ProjectConfigSchema.safeParse(doc);
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  throw new InvalidInputError(`${fileName}: ${issueText(first, doc)}`);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list [...]',
  object: 'an object {...}',
};

/** `ignore[1].topFunction: expected a string, got 42`: the field, what it wants, what the file has. */
function issueText(issue: z.core.$ZodIssue, doc: unknown): string {
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  const where = path || '(top level)';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${path ? `${path}: ` : ''}unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; known fields: ${knownFields(path)}`;
    case 'invalid_type':
      return `${where}: expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(valueAt(doc, issue.path))}`;
    case 'too_small':
      if (issue.origin !== 'number') return `${where}: ${issue.message}`;
      return `${where}: expected ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}, got ${describeValue(valueAt(doc, issue.path))}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v = doc;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** `42`, `"3"`, `null`, `a list`, `an object`; long strings cut. */
function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'an object';
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

function knownFields(path: string): string {
  const shape = path.startsWith('ignore[') ? IgnoreRuleSchema.shape : ProjectConfigSchema.shape;
  return Object.keys(shape).join(', ');
}

/** Rules that keep the profiler's own goroutines, and idle HTTP plumbing, out of the way. */
export const BUILTIN_RULES: readonly SourcedRule[] = [
  {
    id: 'builtin:pprof-profile-writer',
    isBuiltin: true,
    rule: { anyFunction: 'runtime/pprof.(*Profile).WriteTo', reason: 'the profiler writing the very profile being read' },
  },
  {
    id: 'builtin:pprof-http-handlers',
    isBuiltin: true,
    rule: { anyFunction: 'net/http/pprof.*', reason: 'net/http/pprof handlers serving a profile request' },
  },
  {
    id: 'builtin:pprof-cpu-writer',
    isBuiltin: true,
    rule: { anyFunction: 'runtime/pprof.profileWriter', reason: 'runtime/pprof writing a CPU profile' },
  },
  {
    id: 'builtin:http-background-read',
    isBuiltin: true,
    rule: {
      anyFunction: 'net/http.(*connReader).backgroundRead',
      unlessGrowing: true,
      reason: 'the HTTP server reading ahead while a handler runs (one per request in flight)',
    },
  },
  {
    // Go 1.19 names the goroutine's entry `startBackgroundRead.func2`, Go ≥ 1.22 `.gowrap2`; it may be
    // caught there before backgroundRead is on its stack.
    id: 'builtin:http-background-read-start',
    isBuiltin: true,
    rule: {
      anyFunction: 'net/http.(*connReader).startBackgroundRead.*',
      unlessGrowing: true,
      reason: 'the HTTP server starting its read-ahead goroutine',
    },
  },
  {
    id: 'builtin:http-accept-loop',
    isBuiltin: true,
    rule: { anyFunction: 'net/http.(*Server).Serve', unlessGrowing: true, reason: 'an HTTP server accept loop' },
  },
];

/** What a rule sees of a group. `states` are those seen in any full dump. */
export interface RuleSubject {
  frames: readonly Frame[];
  blockingSite: Frame | null;
  createdBy: Frame | null;
  states: readonly string[];
  peak: number;
  isGrowing: boolean;
}

/** The first rule that matches, or null. */
export function matchIgnoreRules(rules: readonly SourcedRule[], subject: RuleSubject): SourcedRule | null {
  for (const r of rules) if (ruleMatches(r.rule, subject)) return r;
  return null;
}

export function ruleMatches(rule: IgnoreRule, s: RuleSubject): boolean {
  if (rule.unlessGrowing && s.isGrowing) return false;
  if (rule.maxCount !== undefined && s.peak > rule.maxCount) return false;
  if (rule.topFunction !== undefined && !(s.frames[0] && functionMatches(rule.topFunction, s.frames[0].func))) return false;
  if (rule.anyFunction !== undefined && !s.frames.some((f) => functionMatches(rule.anyFunction!, f.func))) return false;
  if (rule.blockingSite !== undefined && !siteMatches(rule.blockingSite, s.blockingSite)) return false;
  if (rule.createdBy !== undefined && !siteMatches(rule.createdBy, s.createdBy)) return false;
  if (rule.state !== undefined && !s.states.includes(rule.state)) return false;
  return true;
}

function functionMatches(pattern: string, func: string): boolean {
  return pattern.endsWith('*') ? func.startsWith(pattern.slice(0, -1)) : func === pattern;
}

const FILE_LINE = /^(.+):(\d+)$/;

function siteMatches(pattern: string, site: Frame | null): boolean {
  if (!site) return false;
  const m = FILE_LINE.exec(pattern);
  if (!m) return functionMatches(pattern, site.func);
  if (Number(m[2]) !== site.line) return false;
  const file = site.file.replace(/\\/g, '/');
  const suffix = m[1]!.replace(/\\/g, '/');
  return file === suffix || file.endsWith(`/${suffix}`);
}

/** A rule in one line for reports: `anyFunction net/http/pprof.* (net/http/pprof handlers …)`. */
export function describeRule(rule: IgnoreRule): string {
  const parts: string[] = [];
  for (const m of MATCHERS) if (rule[m] !== undefined) parts.push(`${m} ${rule[m]}`);
  if (rule.maxCount !== undefined) parts.push(`maxCount ${rule.maxCount}`);
  if (rule.unlessGrowing) parts.push('unless growing');
  return parts.join(', ');
}

/** The rules in force: the built-ins (unless switched off), then the project's in file order. */
export function rulesOf(config: ProjectConfig, fileName: string): SourcedRule[] {
  const own = config.ignore.map((rule, i) => ({ id: `${fileName}#ignore[${i}]`, rule, isBuiltin: false }));
  return [...(config.builtinIgnores ? BUILTIN_RULES : []), ...own];
}
