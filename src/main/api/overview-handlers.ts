import type { RequestOutput, RequestParams } from '../../shared/contract.js';
import { InvalidInputError } from '../../shared/errors.js';
import { dumpOverview, type OverviewSuspect } from '../analysis/dump-overview.js';
import { parseDump } from '../dump/parse-dump.js';
import type { ApiContext } from './api-context.js';

/** The single-dump page: a stored traceback read again whole (goroutine by goroutine), with the session's verdicts. */
export function overviewHandlers(ctx: ApiContext) {
  const { store } = ctx;
  return {
    'snapshot.overview': ({ snapshotId, isExact }: RequestParams<'snapshot.overview'>): RequestOutput<'snapshot.overview'> => {
      const info = store.snapshotInfo(snapshotId);
      const raw = store.rawDump(snapshotId);
      const dump = raw && raw.format === 'traceback' ? parseDump(raw.bytes).find((d) => d.format === 'traceback') : undefined;
      if (!dump) {
        throw new InvalidInputError(
          `snapshot ${snapshotId} has no goroutine-by-goroutine text kept (${raw ? `it is a ${raw.format} profile` : 'no raw dump was kept'}); the one-page view reads a debug=2 dump, crash or SIGQUIT output`,
        );
      }
      const suspects = new Map<string, OverviewSuspect>();
      for (const [key, s] of ctx.analysis?.suspects(info.sessionId) ?? []) suspects.set(key, { strength: s.strength, score: s.score / 100, reasons: s.reasons });
      return dumpOverview(dump, { isExact, suspects });
    },
  };
}
