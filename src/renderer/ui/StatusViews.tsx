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
  SCHEMA_TOO_NEW: 'The history was written by a newer Goroscope: update this one.',
  BUG: 'This is a bug in Goroscope: please report it with this message.',
};

export function Loading({ what }: { what: string }): React.JSX.Element {
  return (
    <div className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: React.ReactNode }): React.JSX.Element {
  return (
    <div className="status status-empty">
      <strong>{title}</strong>
      {children && <div className="status-detail">{children}</div>}
    </div>
  );
}

export function ErrorNotice({ error, onRetry }: { error: { code: ErrorCode; message: string }; onRetry?: () => void }): React.JSX.Element {
  const hint = HINTS[error.code];
  return (
    <div className="status status-error" role="alert">
      <div>
        <span className="error-code">{error.code}</span> {error.message}
      </div>
      {hint && <div className="status-detail">{hint}</div>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
