/**
 * How often a fleet instance gets a full debug=2 dump. Each one is a stop-the-world
 * `runtime.Stack(all)` pass on the target per buffer attempt (1 MB, doubling up to 64 MB), so its
 * duration and size are what the target paid. When a dump costs more than the budget, dumps are
 * spaced out (twice as far apart per step, up to 8× the asked cadence); when they are cheap again,
 * the asked cadence comes back.
 */
export interface FullDumpBudget {
  /** A full dump slower than this (request to last byte) is expensive. */
  maxDurationMs: number;
  /** A full dump larger than this is expensive. */
  maxBytes: number;
}


/** The most a fleet spaces out full dumps: 8× the cadence asked for. */
const MAX_STRETCH = 8;

export interface CadenceChange {
  fullEvery: number;
  /** Said to the user and stored with the instance: `full dumps took 812 ms, 41.0 MB: one every 20 ticks instead of 10`. */
  note: string;
}

/**
 * The next cadence after a full dump that took `durationMs` and `bytes`; null when it stays as it is.
 * Pure, so the rule is tested without a target.
 */
export function nextFullEvery(asked: number, current: number, durationMs: number, bytes: number, budget: FullDumpBudget): CadenceChange | null {
  const isExpensive = durationMs > budget.maxDurationMs || bytes > budget.maxBytes;
  const cost = `${Math.round(durationMs)} ms, ${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (isExpensive && current < asked * MAX_STRETCH) {
    const fullEvery = Math.min(current * 2, asked * MAX_STRETCH);
    return { fullEvery, note: `full dump took ${cost} (budget ${budget.maxDurationMs} ms, ${(budget.maxBytes / (1024 * 1024)).toFixed(1)} MB): one every ${fullEvery} ticks instead of ${current}` };
  }
  if (!isExpensive && current > asked) {
    return { fullEvery: asked, note: `full dump took ${cost}, within budget again: one every ${asked} ticks` };
  }
  return null;
}
