import type { Frame } from '../../../shared/model.js';
import { formatCount, sameFrame } from '../../ui/format.js';

export interface FrameLine {
  frame: Frame;
  isBlocking: boolean;
}

/** The group's frames, innermost first, with the blocking site marked (the first frame equal to it). */
export function frameLines(frames: readonly Frame[], blockingSite: Frame | null): FrameLine[] {
  const at = frames.findIndex((f) => sameFrame(f, blockingSite));
  return frames.map((frame, i) => ({ frame, isBlocking: i === at }));
}

/** `7, 8, 9 … 12,005 more`: the first `max` ids and how many are left out. */
export function idsPreview(ids: readonly number[], max = 60): { shown: number[]; more: number } {
  return { shown: ids.slice(0, max), more: Math.max(0, ids.length - max) };
}

/** `chan receive 49,998 · select 2`, most first. */
export function statesLine(states: Readonly<Record<string, number>>): string {
  return Object.entries(states)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([s, n]) => `${s} ${formatCount(n)}`)
    .join(' · ');
}
