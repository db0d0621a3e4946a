import type { Command } from 'commander';
import type { Snapshot } from '../../shared/model.js';
import { parseFile } from '../use-cases/load-files.js';
import { maxBytesOption } from './max-bytes-option.js';
import { formatSnapshot } from './format-snapshot.js';
import { splitByLabel } from '../../shared/labels.js';

/** The documented `parse --json` shape (README, "JSON output"): keep it stable, scripts read it. */
export function snapshotJson(s: Snapshot, groupByLabel: string | null = null): object {
  return {
    format: s.format,
    profile: s.profile,
    total: s.total,
    takenAtMs: s.takenAtMs,
    threadStacks: s.threadStacks,
    metrics: s.metrics,
    groups: s.groups.map((g) => ({
      key: g.key,
      count: g.count,
      states: g.states,
      leakedCount: g.leakedCount,
      maxWaitMinutes: g.maxWaitMinutes,
      blockingSite: g.blockingSite,
      createdBy: g.createdBy,
      frames: g.frames,
      labels: g.labels,
      ids: g.ids,
      // Only with --group-by-label KEY: the group's count split by that key's values.
      ...(groupByLabel !== null ? { byLabel: { key: groupByLabel, values: splitByLabel(g.count, g.labels, groupByLabel) } } : {}),
    })),
    warnings: s.warnings,
  };
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('parse a goroutine dump or profile (any format) and print its groups, largest first')
    .argument('<file>', 'dump file, or - for standard input')
    .option('--json', 'print one JSON object (documented in README)')
    .option('--group-by-label <key>', 'split each group\'s count by the values of this pprof label')
    .addOption(maxBytesOption('dump'))
    .action(async (file: string, options: { json?: boolean; groupByLabel?: string; maxBytes: number }) => {
      const snapshots = await parseFile(file, options.maxBytes);
      const by = options.groupByLabel ?? null;
      if (options.json) {
        const out = snapshots.length === 1 ? snapshotJson(snapshots[0]!, by) : { snapshots: snapshots.map((s) => snapshotJson(s, by)) };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const text = snapshots.map((s, i) => formatSnapshot(s, snapshots.length > 1 ? `snapshot ${i + 1}` : null, by));
      process.stdout.write(`${text.join('\n\n')}\n`);
    });
}
