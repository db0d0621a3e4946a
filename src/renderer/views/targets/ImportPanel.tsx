import { useEffect, useRef, useState } from 'react';
import type { ImportFileInput, SessionSummary } from '../../../shared/contract.js';
import { useAction } from '../../client/hooks.js';
import { ErrorNotice } from '../../ui/StatusViews.js';
import { formatBytes } from '../../ui/format.js';
import { importFileOf, intervalOf, pastedFile } from './import-files.js';

export interface ImportPanelProps {
  onImported: (session: SessionSummary) => void;
}

function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest('input, textarea, .monaco-editor') !== null);
}

/** Import by dropping files anywhere on the window, picking them, or pasting a dump (Ctrl+V anywhere). */
export function ImportPanel({ onImported }: ImportPanelProps): React.JSX.Element {
  const action = useAction('dump.import');
  const [isDragging, setDragging] = useState(false);
  const [pasteText, setPasteText] = useState('');
  // Shown from the moment files arrive: reading and encoding 14 MB takes a second before the request starts.
  const [pending, setPending] = useState<string | null>(null);
  const [intervalText, setIntervalText] = useState('');
  const interval = intervalOf(intervalText);
  const intervalRef = useRef(interval);
  intervalRef.current = interval;
  const picker = useRef<HTMLInputElement>(null);
  const run = useRef(action.run);
  run.current = action.run;
  const done = useRef(onImported);
  done.current = onImported;

  /** Resolves with the files the import refused, or null when the whole request failed. */
  const importFiles = async (files: ImportFileInput[]): Promise<string[] | null> => {
    if (files.length === 0) return [];
    const { intervalMs } = intervalRef.current;
    const result = await run.current({ files, ...(intervalMs !== null ? { intervalMs } : {}) });
    if (result) done.current(result.session);
    return result ? result.refused.map((r) => r.file) : null;
  };
  const readAndImport = (list: File[]): void => {
    if (list.length === 0) return;
    const bytes = list.reduce((n, f) => n + f.size, 0);
    const what = list.length === 1 ? list[0]!.name : `${list.length} files`;
    setPending(`${what} (${formatBytes(bytes)})`);
    void importFiles(list.map(importFileOf))
      .finally(() => setPending(null));
  };
  const readAndImportRef = useRef(readAndImport);
  readAndImportRef.current = readAndImport;

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = (): void => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent): void => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      readAndImportRef.current([...(e.dataTransfer?.files ?? [])]);
    };
    const onPaste = (e: ClipboardEvent): void => {
      if (isTextEntry(e.target)) return;
      const file = pastedFile(e.clipboardData?.getData('text/plain') ?? '', Date.now());
      if (file) void importFiles([file]);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, []);

  return (
    <section className="panel import-panel" aria-labelledby="import-title">
      <h2 id="import-title">Import a dump</h2>
      <div className={`drop-zone${isDragging ? ' dragging' : ''}`} data-testid="drop-zone">
        Drop goroutine dumps here, or{' '}
        <button type="button" className="link" onClick={() => picker.current?.click()}>
          choose files
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            readAndImport(files);
          }}
        />
        <div className="muted small">debug=1 / debug=2 text, protobuf, crash output, /debug/vars, /metrics</div>
      </div>
      <label className="inline-label import-interval" title="Protobuf profiles and dated log lines carry their own time; other files are taken in the order given, this far apart. Left empty: no rate, growth as counts.">
        Files without a time are
        <input
          type="text"
          value={intervalText}
          onChange={(e) => setIntervalText(e.target.value)}
          placeholder="e.g. 30s"
          size={6}
          aria-label="Time between files without a timestamp"
          aria-invalid={interval.error !== null}
          data-testid="import-interval"
        />
        apart
      </label>
      {interval.error !== null && <p className="error small">{interval.error}</p>}
      <textarea
        className="paste-box"
        placeholder="…or paste a dump here (Ctrl+V anywhere works too)"
        aria-label="Paste a dump"
        value={pasteText}
        onChange={(e) => setPasteText(e.target.value)}
        rows={3}
      />
      <button
        type="button"
        disabled={pasteText.trim() === '' || action.status === 'loading'}
        onClick={() => {
          const file = pastedFile(pasteText, Date.now());
          // A refused or failed paste keeps its text, to fix and try again.
          if (file)
            void importFiles([file]).then((refused) => {
              if (refused !== null && !refused.includes(file.name)) setPasteText('');
            });
        }}
      >
        Import pasted text
      </button>
      {(pending !== null || action.status === 'loading') && (
        <p className="muted import-progress" role="status" data-testid="import-progress">
          <span className="spinner" aria-hidden="true" /> {pending !== null ? `Importing ${pending}…` : 'Importing…'}
        </p>
      )}
      {action.status === 'error' && <ErrorNotice error={action.error} />}
      {action.value && action.value.refused.length > 0 && (
        <ul className="refused">
          {action.value.refused.map((r) => (
            <li key={r.file}>
              refused {r.file}: {r.message}
            </li>
          ))}
        </ul>
      )}
      {action.value && action.value.warnings.length > 0 && (
        // What the parser repaired (a blockquote, log prefixes, wrapped lines) or skipped, per file.
        <ul className="import-warnings" data-testid="import-warnings">
          {action.value.warnings.slice(0, 20).map((w, i) => (
            <li key={i} className={w.message.startsWith('repaired: ') ? 'repaired' : 'skipped'}>
              {w.file}: {w.message}
            </li>
          ))}
          {action.value.warnings.length > 20 && <li className="muted">… and {action.value.warnings.length - 20} more</li>}
        </ul>
      )}
      {isDragging && <div className="drop-overlay" aria-hidden="true">Drop to import</div>}
    </section>
  );
}
