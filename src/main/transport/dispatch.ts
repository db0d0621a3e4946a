import { isRequestName, requests, type InputIssue, type Reply, type ReplyError, type RequestName } from '../../shared/contract.js';
import { isExpectedError } from '../../shared/errors.js';
import type { Api } from '../api/create-api.js';

export type Dispatched =
  | { kind: 'reply'; reply: Reply<unknown> }
  /** The input failed its schema: nothing reached the api. */
  | { kind: 'invalid'; reply: { ok: false; error: ReplyError } }
  | { kind: 'unknown'; reply: { ok: false; error: ReplyError } };

/** `sessionId: expected number, received string` for each issue, `(input)` for the root. */
export function describeIssues(name: RequestName, issues: readonly InputIssue[]): string {
  const parts = issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(input)'}: ${i.message}`);
  return `invalid input for ${name}: ${parts.join('; ')}`;
}

/** Maps what a handler threw to the reply error: a GoroscopeError keeps its code, anything else is a bug. */
export function replyErrorOf(name: string, error: unknown): ReplyError {
  if (isExpectedError(error)) return { code: error.code, message: error.message };
  console.error(`goroscope: ${name} failed:`, error);
  return { code: 'BUG', message: `internal error in ${name}: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * The one path from a transport to the api: the request's name checked against the contract, its
 * input parsed with the request's schema, the handler's outcome wrapped as a reply. Never throws.
 */
export async function dispatch(api: Api, name: string, input: unknown, signal: AbortSignal): Promise<Dispatched> {
  if (!isRequestName(name)) {
    return { kind: 'unknown', reply: { ok: false, error: { code: 'NOT_FOUND', message: `unknown request "${name}"` } } };
  }
  const parsed = requests[name].input.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
    return { kind: 'invalid', reply: { ok: false, error: { code: 'INVALID_INPUT', message: describeIssues(name, issues), issues } } };
  }
  try {
    // The schema of `name` parsed the input, so it is that request's params.
    const value = await api.call(name, parsed.data as never, signal);
    return { kind: 'reply', reply: { ok: true, value } };
  } catch (error) {
    return { kind: 'reply', reply: { ok: false, error: replyErrorOf(name, error) } };
  }
}
