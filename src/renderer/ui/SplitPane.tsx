import { useEffect, useRef, useState, type ReactNode } from 'react';
import { readPersisted, writePersisted } from './persisted.js';
import { firstPaneSize, isShare, shareAfterKey, shareAt, type SplitLimits } from './split-size.js';

export interface SplitPaneProps extends SplitLimits {
  /** Names the kept size (`goroscope.split.<id>`); one id per place in the layout. */
  id: string;
  /** `row`: side by side, the handle vertical; `column`: one above the other. */
  direction: 'row' | 'column';
  /** The first pane's share (0…1) until the user drags the handle. */
  defaultShare: number;
  first: ReactNode;
  second: ReactNode;
  /** Read by screen readers on the handle: "Resize the groups and the details". */
  handleLabel: string;
  /** Hides the first pane (a collapsed sidebar); the second takes the whole space. */
  isFirstCollapsed?: boolean;
  className?: string;
}

const HANDLE_PX = 6;

/**
 * Two panes and a handle between them: drag it, or focus it and use the arrow keys (Shift for big
 * steps); double-click puts it back. The share is kept per `id` across reloads. Panes never overlap:
 * each is its own box with `min-width/height: 0` and hidden overflow, and the minimum sizes shrink in
 * proportion when the window is too small for both. Views are unaware of it: any two nodes go in.
 */
export function SplitPane({ id, direction, defaultShare, minFirst, minSecond, first, second, handleLabel, isFirstCollapsed = false, className }: SplitPaneProps): React.JSX.Element {
  const key = `split.${id}`;
  const [share, setShare] = useState(() => readPersisted(key, isShare) ?? defaultShare);
  const [total, setTotal] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  const isRow = direction === 'row';
  const limits = { minFirst, minSecond };

  useEffect(() => {
    const el = container.current!;
    const measure = (): void => setTotal(Math.max(0, (isRow ? el.clientWidth : el.clientHeight) - HANDLE_PX));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [isRow]);

  const keep = (next: number): void => {
    setShare(next);
    writePersisted(key, next);
  };

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const rect = container.current!.getBoundingClientRect();
    let latest = share;
    const onMove = (m: PointerEvent): void => {
      const offset = isRow ? m.clientX - rect.left : m.clientY - rect.top;
      latest = shareAt(offset - HANDLE_PX / 2, total, limits);
      setShare(latest);
    };
    const onUp = (): void => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.removeEventListener('pointercancel', onUp);
      writePersisted(key, latest);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    handle.addEventListener('pointercancel', onUp);
  };

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const next = shareAfterKey(e.key, e.shiftKey, share);
    if (next === null) return;
    e.preventDefault();
    keep(shareAt(next * total, total, limits));
  };

  const size = total > 0 ? firstPaneSize(share, total, limits) : null;
  const firstStyle: React.CSSProperties = { flex: size === null ? `0 0 ${share * 100}%` : `0 0 ${size}px` };
  return (
    <div ref={container} className={`split split-${direction}${className ? ` ${className}` : ''}`} data-split={id}>
      {!isFirstCollapsed && (
        <>
          <div className="split-pane split-first" style={firstStyle}>
            {first}
          </div>
          <div
            className="split-handle"
            role="separator"
            tabIndex={0}
            aria-orientation={isRow ? 'vertical' : 'horizontal'}
            aria-label={handleLabel}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round((size !== null && total > 0 ? size / total : share) * 100)}
            title="Drag to resize; double-click to reset"
            onPointerDown={onPointerDown}
            onKeyDown={onKeyDown}
            onDoubleClick={() => keep(defaultShare)}
            data-testid={`split-handle-${id}`}
          />
        </>
      )}
      <div className="split-pane split-second">{second}</div>
    </div>
  );
}
