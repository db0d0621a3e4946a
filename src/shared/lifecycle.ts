/**
 * Resource lifetime (STYLE.md §5): whatever holds a timer, server, subscription, editor or handle is a
 * Disposable; disposing twice is harmless. Owners register what they create with a DisposableStore.
 */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let isDisposed = false;
  return {
    dispose() {
      if (isDisposed) return;
      isDisposed = true;
      fn();
    },
  };
}

/** Disposes what it holds in reverse order of registration; adding to a disposed store disposes at once. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private isDisposedFlag = false;

  get isDisposed(): boolean {
    return this.isDisposedFlag;
  }

  add<T extends Disposable>(item: T): T {
    if (this.isDisposedFlag) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.isDisposedFlag) return;
    this.isDisposedFlag = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
  }
}
