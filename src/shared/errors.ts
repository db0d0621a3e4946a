/**
 * Every expected failure has a contract code and a message that says what failed, on which input,
 * and what was expected instead. Transports send `{ code, message }`; the CLI prints the message.
 */
export const ERROR_CODES = [
  'DUMP_PARSE',
  'NOT_A_DUMP',
  'TARGET_UNREACHABLE',
  'NOT_GO_ENDPOINT',
  'RESPONSE_TOO_LARGE',
  'HTTP_STATUS',
  'TIMEOUT',
  'HOST_KEY_MISMATCH',
  'SSH_AUTH',
  'SCHEMA_TOO_NEW',
  'NOT_FOUND',
  'INVALID_INPUT',
  'BUG',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class GoroscopeError extends Error {
  abstract readonly code: ErrorCode;
}

/** One goroutine (or record) that could not be read; the parser drops it and carries on. */
export class DumpParseError extends GoroscopeError {
  override readonly name = 'DumpParseError';
  readonly code = 'DUMP_PARSE';
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

/** The whole input is not something Goroscope can read (an HTML page, foreign JSON, binary junk). */
export class NotADumpError extends GoroscopeError {
  override readonly name = 'NotADumpError';
  readonly code = 'NOT_A_DUMP';
}

export class NotFoundError extends GoroscopeError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class InvalidInputError extends GoroscopeError {
  override readonly name = 'InvalidInputError';
  readonly code = 'INVALID_INPUT';
}

/** A broken invariant: a bug in Goroscope. Nothing catches it in order to carry on. */
export class BugError extends GoroscopeError {
  override readonly name = 'BugError';
  readonly code = 'BUG';
}

/** An expected failure (any GoroscopeError but a BugError): callers may record it and carry on. */
export function isExpectedError(error: unknown): error is GoroscopeError {
  return error instanceof GoroscopeError && error.code !== 'BUG';
}

/** Why a target could not be reached: the transport-level failure, before or during a response. */
export type UnreachableReason = 'refused' | 'dns' | 'tls' | 'reset' | 'truncated' | 'network';

/** Connection refused, DNS failure, TLS failure, connection reset, or a body cut short. */
export class TargetUnreachableError extends GoroscopeError {
  override readonly name = 'TargetUnreachableError';
  readonly code = 'TARGET_UNREACHABLE';
  constructor(
    readonly reason: UnreachableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The endpoint answered, but not as a Go pprof/expvar endpoint (an HTML page, no pprof at all). */
export class NotGoEndpointError extends GoroscopeError {
  override readonly name = 'NotGoEndpointError';
  readonly code = 'NOT_GO_ENDPOINT';
}

/**
 * A body over the byte cap, detected while streaming (the request is abandoned at the cap); also a
 * file, standard input, upload or gzip data over the input cap (`--max-bytes`).
 */
export class ResponseTooLargeError extends GoroscopeError {
  override readonly name = 'ResponseTooLargeError';
  readonly code = 'RESPONSE_TOO_LARGE';
}

/** A non-2xx answer. */
export class HttpStatusError extends GoroscopeError {
  override readonly name = 'HttpStatusError';
  readonly code = 'HTTP_STATUS';
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No complete answer within the request's time limit. */
export class TimeoutError extends GoroscopeError {
  override readonly name = 'TimeoutError';
  readonly code = 'TIMEOUT';
}

/** The history database was written by a newer Goroscope (its user_version is above ours). */
export class SchemaTooNewError extends GoroscopeError {
  override readonly name = 'SchemaTooNewError';
  readonly code = 'SCHEMA_TOO_NEW';
}

/** Why an SSH host key was refused: known_hosts has no entry for the host, a different key, or marks it @revoked. */
export type HostKeyProblem = 'unknown' | 'changed' | 'revoked';

/**
 * The SSH server's host key is not one known_hosts accepts for it, so the tunnel is refused before
 * anything is sent. The message shows the presented key's fingerprint (`SHA256:…`) and what to do.
 */
export class HostKeyMismatchError extends GoroscopeError {
  override readonly name = 'HostKeyMismatchError';
  readonly code = 'HOST_KEY_MISMATCH';
  constructor(
    readonly problem: HostKeyProblem,
    readonly presentedFingerprint: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The SSH server accepted none of the authentication methods tried (a key it does not authorise, an empty agent). */
export class SshAuthError extends GoroscopeError {
  override readonly name = 'SshAuthError';
  readonly code = 'SSH_AUTH';
}
