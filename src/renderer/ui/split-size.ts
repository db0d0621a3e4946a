/**
 * The arithmetic of a two-pane split: the first pane's share of the container (0…1) is what is kept,
 * so a split made on a 1920 px screen still makes sense at 1024 px; the minimum sizes in pixels win
 * over the share when the container is small.
 */

export interface SplitLimits {
  /** Pixels the first pane never goes under. */
  minFirst: number;
  /** Pixels the second pane never goes under. */
  minSecond: number;
}

/**
 * The first pane's size in pixels for a share of `total` pixels (the handle excluded). When both
 * minimums do not fit, they shrink in proportion, so neither pane draws over the other.
 */
export function firstPaneSize(share: number, total: number, { minFirst, minSecond }: SplitLimits): number {
  if (total <= 0) return 0;
  if (minFirst + minSecond > total) return Math.round((total * minFirst) / (minFirst + minSecond));
  return Math.round(Math.min(total - minSecond, Math.max(minFirst, share * total)));
}

/** The share a drag to `offset` pixels (from the container's start) asks for, kept within the limits. */
export function shareAt(offset: number, total: number, limits: SplitLimits): number {
  if (total <= 0) return 0.5;
  return firstPaneSize(offset / total, total, limits) / total;
}

/** A keyboard step: ←/↑ shrink the first pane, →/↓ grow it, by 2 % (10 % with Shift); null for other keys. */
export function shareAfterKey(key: string, isShift: boolean, share: number): number | null {
  const step = isShift ? 0.1 : 0.02;
  if (key === 'ArrowLeft' || key === 'ArrowUp') return Math.max(0, share - step);
  if (key === 'ArrowRight' || key === 'ArrowDown') return Math.min(1, share + step);
  return null;
}

export function isShare(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}
