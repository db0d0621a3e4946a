import { requests, type RequestInput, type RequestName, type RequestParams } from '../../shared/contract.js';
import { InvalidInputError } from '../../shared/errors.js';

/**
 * A request the CLI built from its flags, parsed with the contract's own schema: the CLI is an edge
 * like IPC and HTTP, so the same rules reach it (`record --interval 1ms` is refused with the message
 * `recording.start` gives a client). `flags` names the flag behind each field (`intervalMs` →
 * `--interval 1ms`), so the message says what to change on the command line. Throws InvalidInputError.
 */
export function parseRequest<K extends RequestName>(name: K, input: RequestInput<K>, flags: Readonly<Record<string, string>> = {}): RequestParams<K> {
  const parsed = requests[name].input.safeParse(input);
  if (parsed.success) return parsed.data as RequestParams<K>;
  throw new InvalidInputError(issuesText(name, parsed.error.issues, flags));
}

/**
 * Some fields of a request, parsed with the contract's schema for them: for an edge that has not all
 * of the request yet (a fleet's timing is checked before its instances are looked up in Prometheus).
 */
export function parseRequestFields<K extends RequestName, F extends keyof RequestParams<K> & string>(
  name: K,
  fields: readonly F[],
  input: Partial<RequestInput<K>>,
  flags: Readonly<Record<string, string>> = {},
): Pick<RequestParams<K>, F> {
  const schema = requests[name].input as unknown as { pick(mask: Record<string, true>): typeof requests[K]['input'] };
  const picked = schema.pick(Object.fromEntries(fields.map((f) => [f, true])));
  const parsed = picked.safeParse(input);
  if (parsed.success) return parsed.data as unknown as Pick<RequestParams<K>, F>;
  throw new InvalidInputError(issuesText(name, parsed.error.issues, flags));
}

function issuesText(name: string, issues: readonly { path: readonly PropertyKey[]; message: string }[], flags: Readonly<Record<string, string>>): string {
  return issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return `${flags[field] ?? (field === '' ? name : field)}: ${issue.message}`;
    })
    .join('; ');
}
