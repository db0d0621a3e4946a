import type { Frame } from '../../shared/model.js';

/**
 * Shares one Frame object between every goroutine that has it: a 50k-goroutine dump has a few dozen
 * distinct frames, so this keeps memory near the size of the distinct stacks, not of the input.
 */
export class FrameInterner {
  private readonly byKey = new Map<string, Frame>();

  intern(func: string, file: string, line: number): Frame {
    const key = `${func}\u0000${file}\u0000${line}`;
    let frame = this.byKey.get(key);
    if (frame === undefined) {
      frame = { func, file, line };
      this.byKey.set(key, frame);
    }
    return frame;
  }
}
