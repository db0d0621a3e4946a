import { useState } from 'react';
import type { SessionSummary } from '../../../shared/contract.js';
import { useAction } from '../../client/hooks.js';
import { ErrorNotice } from '../../ui/StatusViews.js';

export interface TargetFormProps {
  canRecord: boolean;
  /** Known targets, offered as suggestions. */
  knownUrls: readonly string[];
  onStarted: (session: SessionSummary) => void;
}

/** Add an HTTP target: test the connection (with the specific error), then record it. */
export function TargetForm({ canRecord, knownUrls, onStarted }: TargetFormProps): React.JSX.Element {
  const [url, setUrl] = useState('');
  const [intervalS, setIntervalS] = useState(2);
  const [fullEvery, setFullEvery] = useState(10);
  const test = useAction('target.test');
  const start = useAction('recording.start');
  if (!canRecord) return <p className="muted">Recording is not part of this build.</p>;
  const busy = test.status === 'loading' || start.status === 'loading';
  return (
    <form
      className="target-form"
      onSubmit={(e) => {
        e.preventDefault();
        void start.run({ url, intervalMs: Math.round(intervalS * 1000), fullEvery }).then((r) => r && onStarted(r.session));
      }}
    >
      <label>
        <span>Target URL</span>
        <input
          type="text"
          inputMode="url"
          placeholder="http://127.0.0.1:6060"
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            test.reset();
          }}
          list="known-targets"
          required
          aria-label="Target URL"
          data-testid="target-url"
        />
        <datalist id="known-targets">
          {knownUrls.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
      </label>
      <div className="form-row">
        <label>
          <span>Every (s)</span>
          <input type="number" min={0.2} step={0.1} value={intervalS} onChange={(e) => setIntervalS(Number(e.target.value))} aria-label="Interval in seconds" data-testid="target-interval" />
        </label>
        <label>
          <span>Full dump every</span>
          <input type="number" min={1} step={1} value={fullEvery} onChange={(e) => setFullEvery(Number(e.target.value))} aria-label="Full dump every N ticks" data-testid="target-full-every" />
        </label>
      </div>
      <div className="form-row">
        <button type="button" disabled={busy || url.trim() === ''} onClick={() => void test.run({ url })} data-testid="target-test">
          Test connection
        </button>
        <button type="submit" className="primary" disabled={busy || url.trim() === ''} data-testid="target-start">
          Start recording
        </button>
      </div>
      {test.status === 'loading' && <p className="muted" role="status">Connecting…</p>}
      {test.status === 'ok' && (
        <p className="ok" role="status" data-testid="target-test-ok">
          ✓ {test.value.url} serves {test.value.endpoints.join(', ')}
        </p>
      )}
      {test.status === 'error' && <ErrorNotice error={test.error} />}
      {start.status === 'error' && <ErrorNotice error={start.error} />}
    </form>
  );
}
