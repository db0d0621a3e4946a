import { memo, useMemo, useState } from 'react';
import type { Frame } from '../../../shared/model.js';
import { useAction, useRequest } from '../../client/hooks.js';
import { Empty, ErrorNotice, Loading } from '../../ui/StatusViews.js';
import { baseName, shortFunc } from '../../ui/format.js';
import { framesToResolve, initialPick, pickedFrame, pickedSource, resolvedSummary, rootsLine, type SourcePick } from './source-view.js';
import { SourceSettingsPanel } from './SourceSettingsPanel.js';

/** What the source view hands the code editor the app plugs in (Monaco, wrapped once in dump-view). */
export interface SourceEditorProps {
  text: string;
  /** The line to mark and show. */
  line: number;
  language: 'go' | 'plaintext';
}

export interface SourceViewProps {
  frames: readonly Frame[];
  blockingSite: Frame | null;
  createdBy: Frame | null;
  renderEditor: (props: SourceEditorProps) => React.ReactNode;
}

/**
 * The code behind a group: the picked frame's file (read-only) with its line marked, the group's frames
 * as a call stack to move through, the creation site one click away, and "Open in editor" for files the
 * main process resolved. Frames that did not resolve say why.
 */
export const SourceView = memo(function SourceView({ frames, blockingSite, createdBy, renderEditor }: SourceViewProps): React.JSX.Element {
  const asked = useMemo(() => framesToResolve(frames, createdBy), [frames, createdBy]);
  const resolved = useRequest('source.resolve', asked.length === 0 ? null : { frames: asked });
  // The app keys this view by group: a new group starts again at its blocking frame.
  const [pick, setPick] = useState<SourcePick | null>(() => initialPick(frames, blockingSite));
  const frame = pickedFrame(pick, frames, createdBy);
  const source = pickedSource(pick, resolved.value?.frames ?? null, frames.length);
  const code = useRequest('source.read', frame !== null && source?.isResolved ? { frame } : null);
  const open = useAction('source.open');

  if (frames.length === 0) return <Empty title="No frames">This group has no stack to show.</Empty>;
  const isPicked = (p: SourcePick): boolean => pick !== null && p.kind === pick.kind && (p.kind === 'created' || (pick.kind === 'stack' && p.index === pick.index));
  const canOpen = resolved.value?.canOpenEditor === true && source?.isResolved === true && frame !== null;

  return (
    <section className="source-view" aria-label="Source" data-testid="source-view">
      <header className="source-head">
        <div className="source-where">
          <strong>{frame ? `${baseName(frame.file)}:${frame.line}` : '—'}</strong>
          <span className="muted small" data-testid="source-reason" title={source?.localPath ?? undefined}>
            {source === null ? '' : source.isResolved ? `${source.localPath} · ${source.reason}` : source.reason}
          </span>
        </div>
        <button type="button" disabled={!canOpen || open.status === 'loading'} onClick={() => frame && void open.run({ frame })} data-testid="source-open"
          title={resolved.value?.canOpenEditor === false ? 'Opening an editor is only possible from the desktop app or serve on loopback' : 'Open this file at this line in your editor'}>
          Open in editor
        </button>
      </header>
      {open.status === 'error' && <ErrorNotice error={open.error} />}
      <div className="source-code" data-testid="source-code">
        {resolved.status === 'error' ? (
          <ErrorNotice error={resolved.error} onRetry={resolved.reload} />
        ) : source === null ? (
          <Loading what="source locations" />
        ) : !source.isResolved ? (
          <p className="muted source-missing" data-testid="source-missing">No source for this frame: {source.reason}.</p>
        ) : code.status === 'error' ? (
          <ErrorNotice error={code.error} />
        ) : code.value === null || code.value.file !== frame?.file ? (
          <Loading what="the source" />
        ) : (
          renderEditor({ text: code.value.text, line: frame.line, language: code.value.language })
        )}
      </div>
      <div className="source-stack">
        <h3>
          Call stack <span className="muted small">{resolved.value ? resolvedSummary(resolved.value.frames.slice(0, frames.length)) : ''}</span>
        </h3>
        <ol className="frames" data-testid="source-frames">
          {frames.map((f, i) => {
            const r = resolved.value?.frames[i];
            const isBlocking = blockingSite !== null && f.func === blockingSite.func && f.file === blockingSite.file && f.line === blockingSite.line;
            return (
              <li key={i} className={[isBlocking ? 'blocking' : '', isPicked({ kind: 'stack', index: i }) ? 'picked' : ''].join(' ').trim() || undefined}>
                <button type="button" className="frame-pick" onClick={() => setPick({ kind: 'stack', index: i })} title={r ? r.reason : f.file} aria-current={isPicked({ kind: 'stack', index: i }) ? 'true' : undefined}>
                  <span className={`resolved-mark ${r?.isResolved ? 'yes' : 'no'}`} aria-label={r?.isResolved ? 'source found' : 'no source'}>{r ? (r.isResolved ? '●' : '○') : ''}</span>
                  <span className="func">{shortFunc(f.func)}</span>
                  <span className="file">
                    {baseName(f.file)}:{f.line}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
        {createdBy !== null && (
          <button type="button" className={isPicked({ kind: 'created' }) ? 'created-pick picked' : 'created-pick'} onClick={() => setPick({ kind: 'created' })} data-testid="source-created-by"
            title={resolved.value?.frames[frames.length]?.reason}>
            Creation site: {shortFunc(createdBy.func)} {baseName(createdBy.file)}:{createdBy.line}
          </button>
        )}
        {resolved.value && (
          <p className="muted small source-roots" data-testid="source-roots-info">
            {rootsLine(resolved.value.roots)}
          </p>
        )}
        {resolved.value && resolved.value.roots.notes.length > 0 && (
          <ul className="source-notes small">
            {resolved.value.roots.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
        <SourceSettingsPanel onSaved={resolved.reload} />
      </div>
    </section>
  );
});
