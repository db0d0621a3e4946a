import type { ErrorCode } from '../../shared/errors.js';

/** What to try next, per error code: the message says what failed, this says what to do. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  TARGET_UNREACHABLE: 'Check that the service is running and that host and port are right.',
  NOT_GO_ENDPOINT: 'Give the base URL of a Go service that imports net/http/pprof (e.g. http://127.0.0.1:6060).',
  TIMEOUT: 'The service did not answer in time: it may be overloaded, or the port may belong to something else.',
  HTTP_STATUS: 'The endpoint answered with an error status: check the URL and any path prefix pprof is mounted under.',
  RESPONSE_TOO_LARGE: 'The answer was over the size cap; record the compact profile, or raise the cap.',
  NOT_A_DUMP: 'Drop or paste a goroutine dump: debug=1 or debug=2 text, a protobuf profile, crash output, /debug/vars or /metrics.',
  DUMP_PARSE: 'Part of the dump could not be read; the rest was kept.',
  NOT_FOUND: 'It may have been removed: pick another one from the list.',
  HOST_KEY_MISMATCH:
    'Compare the fingerprint in the message with the SSH server’s own (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). Only if they match, update the known_hosts file as the message says and test again; if they differ, do not connect: the connection may be intercepted.',
  SSH_AUTH:
    'Give the private key file whose public half is in ~/.ssh/authorized_keys of that user on the SSH server, or load that key into the ssh-agent Goroscope uses; check the user name in the destination.',
  SCHEMA_TOO_NEW: 'The history was written by a newer Goroscope: update this one.',
  BUG: 'This is a bug in Goroscope: please report it with this message.',
};

/** The hint shown under an error with this code, or null when the message says it all. */
export function hintOf(code: ErrorCode): string | null {
  return HINTS[code] ?? null;
}

/** The words an error box leads with, per code: what happened, for a person; the code comes last, small. */
const TITLES: Record<ErrorCode, string> = {
  DUMP_PARSE: 'Part of the dump could not be read',
  NOT_A_DUMP: 'This is not a goroutine dump',
  TARGET_UNREACHABLE: 'Cannot reach the service',
  NOT_GO_ENDPOINT: 'This address does not serve Go profiles',
  RESPONSE_TOO_LARGE: 'The answer is too large',
  HTTP_STATUS: 'The service answered with an error',
  TIMEOUT: 'The service did not answer in time',
  HOST_KEY_MISMATCH: 'The SSH server’s key has changed',
  SSH_AUTH: 'The SSH server refused the login',
  SCHEMA_TOO_NEW: 'The history is from a newer Goroscope',
  NOT_FOUND: 'Not found',
  INVALID_INPUT: 'That request was refused',
  BUG: 'Something went wrong inside Goroscope',
};

export function titleOf(code: ErrorCode): string {
  return TITLES[code];
}
