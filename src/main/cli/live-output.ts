/**
 * stdout for a long-running command's live lines. In `goroscope record … | head -3` the reader goes
 * away while the recording runs; the next write fails with EPIPE, and an unhandled stream error would
 * kill the process with the session left open. Here that ends the command the way Ctrl-C does (through
 * `onGone`), and later output is dropped. Other stream errors are rethrown as they were.
 */
export class LiveOutput {
  private isGone = false;
  private isDisposed = false;
  private onGoneListener: (() => void) | null = null;
  private readonly onError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    if (this.isGone) return;
    this.isGone = true;
    this.onGoneListener?.();
  };

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    stream.on('error', this.onError);
  }

  write(text: string): void {
    if (!this.isGone) this.stream.write(text);
  }

  /** Calls `listener` once the reader is gone (at once if it already is). */
  onGone(listener: () => void): void {
    this.onGoneListener = listener;
    if (this.isGone) listener();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.onGoneListener = null;
    // A failed write reports its error on a later tick: keep listening until that has passed, or the
    // EPIPE of the very last line would still be an unhandled error.
    setImmediate(() => this.stream.off('error', this.onError));
  }
}
