import { useState } from 'react';
import type { SessionSummary } from '../../../shared/contract.js';
import { DEFAULT_FULL_EVERY, DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS } from '../../../shared/defaults.js';
import { useAction } from '../../client/hooks.js';
import { ErrorNotice } from '../../ui/StatusViews.js';
import { EMPTY_SSH_FIELDS, fieldsFromTarget, resolveRequestOf, routeLines, sshHopOf, targetLabel, type KnownTarget, type SshFields } from './ssh-fields.js';

export interface TargetFormProps {
  canRecord: boolean;
  /** Targets of past recordings, latest first: picking one fills the form to record it again. */
  knownTargets: readonly KnownTarget[];
  onStarted: (session: SessionSummary) => void;
}

/** Add an HTTP target, straight or through SSH: test the connection (with the specific error), then record it. */
export function TargetForm({ canRecord, knownTargets, onStarted }: TargetFormProps): React.JSX.Element {
  const [url, setUrl] = useState('');
  const [ssh, setSsh] = useState<SshFields>(EMPTY_SSH_FIELDS);
  const [isSshOpen, setSshOpen] = useState(false);
  const [intervalS, setIntervalS] = useState(DEFAULT_INTERVAL_MS / 1000);
  const [fullEvery, setFullEvery] = useState(DEFAULT_FULL_EVERY);
  const test = useAction('target.test');
  const start = useAction('recording.start');
  const resolve = useAction('ssh.resolve');
  if (!canRecord) return <p className="muted">Recording is not part of this build.</p>;
  const busy = test.status === 'loading' || start.status === 'loading';
  const hop = sshHopOf(ssh);
  // One URL per line (or separated by spaces): two or more record one fleet session.
  const urls = url.split(/\s+/).filter((u) => u !== '');
  const address = { url: urls[0] ?? '', ...(hop ? { ssh: hop } : {}) };
  const editSsh = (patch: Partial<SshFields>): void => {
    setSsh((s) => ({ ...s, ...patch }));
    test.reset();
    if (patch.passphrase === undefined) resolve.reset();
  };
  // What the destination resolves to through the ssh config, shown before connecting.
  const showRoute = (): void => {
    if (hop) void resolve.run(resolveRequestOf(hop));
  };
  const needsPassphrase = resolve.status === 'ok' && resolve.value.encryptedKeys.length > 0;
  return (
    <form
      className="target-form"
      onSubmit={(e) => {
        e.preventDefault();
        void start.run({ ...address, ...(urls.length > 1 ? { urls } : {}), intervalMs: Math.round(intervalS * 1000), fullEvery }).then((r) => r && onStarted(r.session));
      }}
    >
      {knownTargets.length > 0 && (
        <label>
          <span>Past targets</span>
          <select
            value=""
            onChange={(e) => {
              const picked = knownTargets.find((t) => t.target === e.target.value);
              if (!picked) return;
              const filled = fieldsFromTarget(picked, ssh);
              setUrl(filled.url);
              setSsh(filled.ssh);
              setSshOpen(picked.ssh !== null);
              test.reset();
            }}
            aria-label="Record a past target again"
            data-testid="known-target"
          >
            <option value="">Record one again…</option>
            {knownTargets.map((t) => (
              <option key={t.target} value={t.target}>
                {targetLabel(t)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        <span>Target URL{hop ? ' (as the SSH server sees it)' : ''} — several, one per line, record a fleet</span>
        <textarea
          rows={urls.length > 1 ? Math.min(urls.length, 8) : 1}
          inputMode="url"
          placeholder="http://127.0.0.1:6060"
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            test.reset();
          }}
          required
          aria-label="Target URL"
          data-testid="target-url"
        />
      </label>
      <details className="ssh-fields" open={isSshOpen} onToggle={(e) => setSshOpen(e.currentTarget.open)} data-testid="ssh-disclosure">
        <summary>Through SSH{hop ? `: ${hop.destination}` : ''}</summary>
        <label>
          <span>SSH destination</span>
          <input
            type="text"
            placeholder="deploy@bastion.example.com:22"
            value={ssh.destination}
            onChange={(e) => editSsh({ destination: e.target.value })}
            onBlur={showRoute}
            aria-label="SSH destination (a Host alias of the ssh config, or user@host:port)"
            data-testid="ssh-destination"
          />
        </label>
        <label>
          <span>ssh config file (empty: ~/.ssh/config)</span>
          <input
            type="text"
            placeholder="~/.ssh/config"
            value={ssh.configFile ?? ''}
            onChange={(e) => editSsh({ configFile: e.target.value })}
            onBlur={showRoute}
            aria-label="ssh config file"
            data-testid="ssh-config-file"
          />
        </label>
        {resolve.status === 'ok' && (
          <ul className="ssh-route muted small" role="status" data-testid="ssh-route">
            {routeLines(resolve.value).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
        {resolve.status === 'error' && <ErrorNotice error={resolve.error} />}
        {needsPassphrase && (
          <label>
            <span>Passphrase of {resolve.value.encryptedKeys.join(', ')} (not stored)</span>
            <input
              type="password"
              autoComplete="off"
              value={ssh.passphrase ?? ''}
              onChange={(e) => editSsh({ passphrase: e.target.value })}
              aria-label="SSH key passphrase"
              data-testid="ssh-passphrase"
            />
          </label>
        )}
        <label>
          <span>Private key file (empty: the ssh config’s keys and the ssh-agent)</span>
          <input
            type="text"
            placeholder="~/.ssh/id_ed25519"
            value={ssh.keyFile}
            onChange={(e) => editSsh({ keyFile: e.target.value })}
            aria-label="SSH private key file"
            data-testid="ssh-key-file"
          />
        </label>
        <label>
          <span>known_hosts file (empty: the ssh config’s, ~/.ssh/known_hosts)</span>
          <input
            type="text"
            placeholder="~/.ssh/known_hosts"
            value={ssh.knownHostsFile}
            onChange={(e) => editSsh({ knownHostsFile: e.target.value })}
            aria-label="SSH known_hosts file"
            data-testid="ssh-known-hosts"
          />
        </label>
        <p className="muted small">Paths on the machine Goroscope runs on. Leave the key empty to use the ssh config’s keys and the ssh-agent.</p>
      </details>
      <div className="form-row">
        <label>
          <span>Every (s)</span>
          <input type="number" min={MIN_INTERVAL_MS / 1000} step={0.1} value={intervalS} onChange={(e) => setIntervalS(Number(e.target.value))} aria-label="Interval in seconds" data-testid="target-interval" />
        </label>
        <label>
          <span>Full dump every</span>
          <input type="number" min={1} step={1} value={fullEvery} onChange={(e) => setFullEvery(Number(e.target.value))} aria-label="Full dump every N ticks" data-testid="target-full-every" />
        </label>
      </div>
      <div className="form-row">
        <button type="button" disabled={busy || url.trim() === ''} onClick={() => void test.run(address)} data-testid="target-test">
          Test {urls.length > 1 ? 'the first' : 'connection'}
        </button>
        <button type="submit" className="primary" disabled={busy || url.trim() === ''} data-testid="target-start">
          {urls.length > 1 ? `Record ${urls.length} as a fleet` : 'Start recording'}
        </button>
      </div>
      {test.status === 'loading' && <p className="muted" role="status">Connecting…</p>}
      {test.status === 'ok' && (
        <p className="ok" role="status" data-testid="target-test-ok">
          ✓ {test.value.url} serves {test.value.endpoints.join(', ')}
          {test.value.via !== 'direct' && ` (via ${test.value.via})`}
        </p>
      )}
      {test.status === 'error' && <ErrorNotice error={test.error} />}
      {start.status === 'error' && <ErrorNotice error={start.error} />}
    </form>
  );
}
