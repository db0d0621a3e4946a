// Bounding-box checks of the app's layout, run in the page (as text: test files are type-checked for
// Node, without the DOM's types).
import type { Page } from 'playwright-core';

export interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeaderCell extends Box {
  /** Text wider than its cell (cut, or drawn over its neighbour). */
  isClipped: boolean;
  /** The cell's box outside its container's box (drawn over the next pane). */
  isOutside: boolean;
}

/** The boxes of the elements `selectors` name (first match each); absent ones are left out. */
export async function regionBoxes(page: Page, selectors: Record<string, string>): Promise<Box[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const [name, sel] of Object.entries(${JSON.stringify(selectors)})) {
      const el = document.querySelector(sel);
      if (!el) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      out.push({ name, x: r.x, y: r.y, width: r.width, height: r.height });
    }
    return out;
  })()`)) as Box[];
}

/** Pairs of boxes that overlap by more than a pixel each way, as "a × b" (expected: none). */
export function overlaps(boxes: readonly Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > 1 && h > 1) found.push(`${a.name} × ${b.name} (${Math.round(w)}×${Math.round(h)} px)`);
    }
  }
  return found;
}

/** Boxes that reach outside the viewport (expected: none). */
export function outsideViewport(boxes: readonly Box[], viewport: { width: number; height: number }): string[] {
  return boxes.filter((b) => b.x < -1 || b.y < -1 || b.x + b.width > viewport.width + 1 || b.y + b.height > viewport.height + 1).map((b) => b.name);
}

/**
 * Every header cell (`cellSelector`) inside `containerSelector`: its text, its box, whether its text
 * is cut (scrollWidth past clientWidth on the cell or on its label) and whether it sticks out of the
 * container (the scrolling box that shows it).
 */
export async function headerCells(page: Page, containerSelector: string, cellSelector: string): Promise<HeaderCell[]> {
  return (await page.evaluate(`(() => {
    const container = document.querySelector(${JSON.stringify(containerSelector)});
    if (!container) return [];
    const c = container.getBoundingClientRect();
    return [...container.querySelectorAll(${JSON.stringify(cellSelector)})].map((el) => {
      const r = el.getBoundingClientRect();
      const label = el.querySelector('.column-label') ?? el;
      const isClipped = el.scrollWidth > el.clientWidth + 1 || label.scrollWidth > label.clientWidth + 1;
      const isOutside = r.x < c.x - 1 || r.x + r.width > c.x + c.width + 1 || r.y < c.y - 1 || r.y + r.height > c.y + c.height + 1;
      return { name: el.textContent.trim(), x: r.x, y: r.y, width: r.width, height: r.height, isClipped, isOutside };
    });
  })()`)) as HeaderCell[];
}
