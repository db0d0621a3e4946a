import type { Frame } from '../../../shared/model.js';
import type { FrameSource, SourceRootsInfo } from '../../../shared/source.js';
import { sameFrame } from '../../ui/format.js';

/** Which frame the source view shows: one of the stack (by index) or the creation site. */
export type SourcePick = { kind: 'stack'; index: number } | { kind: 'created' };

/** What the source view asks the main process to resolve: the stack, then the creation site (if any). */
export function framesToResolve(frames: readonly Frame[], createdBy: Frame | null): Frame[] {
  return createdBy === null ? [...frames] : [...frames, createdBy];
}

/** The blocking frame's index in the stack (the first frame equal to it), else the first frame; null for an empty stack. */
export function initialPick(frames: readonly Frame[], blockingSite: Frame | null): SourcePick | null {
  if (frames.length === 0) return null;
  const at = frames.findIndex((f) => sameFrame(f, blockingSite));
  return { kind: 'stack', index: Math.max(0, at) };
}

/** The frame a pick names, or null when it names nothing (a stale index, no creation site). */
export function pickedFrame(pick: SourcePick | null, frames: readonly Frame[], createdBy: Frame | null): Frame | null {
  if (pick === null) return null;
  return pick.kind === 'created' ? createdBy : (frames[pick.index] ?? null);
}

/** The resolution of the picked frame, from `source.resolve`'s answer (same order as framesToResolve). */
export function pickedSource(pick: SourcePick | null, resolved: readonly FrameSource[] | null, frameCount: number): FrameSource | null {
  if (pick === null || resolved === null) return null;
  return (pick.kind === 'created' ? resolved[frameCount] : resolved[pick.index]) ?? null;
}

/** `3 of 5 frames resolved`. */
export function resolvedSummary(resolved: readonly FrameSource[]): string {
  const n = resolved.filter((f) => f.isResolved).length;
  return `${n} of ${resolved.length} frame${resolved.length === 1 ? '' : 's'} resolved`;
}

/** Settings text areas: one root per line, blank lines dropped. */
export function rootsFromText(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** `Reading from /home/me/svc (example.com/svc) · GOROOT /usr/local/go (Go 1.22.1) · no module cache`. */
export function rootsLine(roots: SourceRootsInfo): string {
  const modules = roots.modules.length === 0 ? 'no source root' : roots.modules.map((m) => (m.modulePath ? `${m.dir} (${m.modulePath})` : m.dir)).join(', ');
  const goroot = roots.goroot === null ? 'no GOROOT' : `GOROOT ${roots.goroot.dir}${roots.goroot.version ? ` (Go ${roots.goroot.version})` : ''}`;
  const cache = roots.modCache === null ? 'no module cache' : `module cache ${roots.modCache}`;
  return `Reading from ${modules} · ${goroot} · ${cache}`;
}
