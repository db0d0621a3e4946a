import type { ErrorCode } from '../../shared/errors.js';
import { hintOf, titleOf } from './error-hints.js';

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
  const hint = hintOf(error.code);
  return (
    <div className="status status-error" role="alert">
      <strong className="error-title">{titleOf(error.code)}</strong>
      <div className="error-message">{error.message}</div>
      {hint && <div className="status-detail">{hint}</div>}
      <div className="error-code" title="Error code, for bug reports and searches">
        {error.code}
      </div>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
