import type { Frame } from '../../shared/model.js';

/**
 * Shares one Frame object between every goroutine that has it: a 50k-goroutine dump has a few dozen
 * distinct frames, so this keeps memory near the size of the distinct stacks, not of the input.
 * Keys are nested maps rather than one concatenated string: no string is built per lookup.
 */
export class FrameInterner {
  private readonly byFile = new Map<string, Map<number, Map<string, Frame>>>();

  intern(func: string, file: string, line: number): Frame {
    let byLine = this.byFile.get(file);
    if (byLine === undefined) {
      byLine = new Map();
      this.byFile.set(file, byLine);
    }
    let byFunc = byLine.get(line);
    if (byFunc === undefined) {
      byFunc = new Map();
      byLine.set(line, byFunc);
    }
    let frame = byFunc.get(func);
    if (frame === undefined) {
      frame = { func, file, line };
      byFunc.set(func, frame);
    }
    return frame;
  }
}

interface StackNode {
  children: Map<Frame, StackNode>;
  stack: Frame[] | null;
}

/**
 * Shares one frames array between goroutines with the same stack (a trie over interned frames, so no
 * key string is built per goroutine). Returned arrays are exact-size and must not be mutated.
 */
export class StackInterner {
  private readonly root: StackNode = { children: new Map(), stack: null };

  intern(frames: readonly Frame[]): Frame[] {
    let node = this.root;
    for (const frame of frames) {
      let next = node.children.get(frame);
      if (next === undefined) {
        next = { children: new Map(), stack: null };
        node.children.set(frame, next);
      }
      node = next;
    }
    node.stack ??= frames.slice();
    return node.stack;
  }
}
