import { useRef } from 'react';
import type { SessionSummary } from '../../../shared/contract.js';
import { formatCount, formatDateTime } from '../../ui/format.js';

export interface SessionListProps {
  sessions: readonly SessionSummary[];
  selectedId: number | null;
  onOpen: (id: number) => void;
  onStop: (id: number) => void;
  onRemove: (id: number) => void;
}

/** Recordings and imports, newest first; ↑/↓ move between them, Enter opens. */
export function SessionList({ sessions, selectedId, onOpen, onStop, onRemove }: SessionListProps): React.JSX.Element {
  const list = useRef<HTMLUListElement>(null);
  // A fleet's instances are opened from the fleet view, not listed one by one.
  const ordered = sessions.filter((s) => !s.instanceOf).sort((a, b) => b.startedAtMs - a.startedAtMs || b.id - a.id);
  const moveFocus = (e: React.KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button.session-open') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };
  return (
    <ul className="session-list" ref={list} onKeyDown={moveFocus} aria-label="Sessions" data-testid="session-list">
      {ordered.map((s) => (
        <li key={s.id} className={s.id === selectedId ? 'selected' : undefined}>
          <button type="button" className="session-open" onClick={() => onOpen(s.id)} aria-current={s.id === selectedId ? 'true' : undefined}>
            <span className="session-name">
              {s.isRecording && <span className="rec-dot" title="recording" aria-label="recording" />}
              {s.name}
            </span>
            <span className="muted small">
              #{s.id} · {s.fleet ? `fleet of ${s.fleet.instances}` : s.source === 'import' ? 'import' : s.target} · {formatDateTime(s.startedAtMs)} · {formatCount(s.ticks)} tick{s.ticks === 1 ? '' : 's'}
              {s.failedTicks > 0 && <span className="failed"> · {s.failedTicks} failed</span>}
            </span>
          </button>
          {s.isRecording ? (
            <button type="button" className="small-button" onClick={() => onStop(s.id)} aria-label={`Stop recording ${s.name}`}>
              Stop
            </button>
          ) : (
            <button
              type="button"
              className="small-button quiet"
              onClick={() => {
                if (window.confirm(`Remove session #${s.id} "${s.name}" and its snapshots?`)) onRemove(s.id);
              }}
              aria-label={`Remove session ${s.name}`}
            >
              ✕
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
