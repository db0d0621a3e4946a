import type { Command } from 'commander';
import type { Snapshot } from '../../shared/model.js';
import { parseSnapshots } from '../api/parse-snapshots.js';
import { readInput } from './read-input.js';
import { formatSnapshot } from './format-snapshot.js';

/** The documented `parse --json` shape (README, "JSON output"): keep it stable, scripts read it. */
export function snapshotJson(s: Snapshot): object {
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
    .action(async (file: string, options: { json?: boolean }) => {
      const snapshots = parseSnapshots(await readInput(file));
      if (options.json) {
        const out = snapshots.length === 1 ? snapshotJson(snapshots[0]!) : { snapshots: snapshots.map(snapshotJson) };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const text = snapshots.map((s, i) => formatSnapshot(s, snapshots.length > 1 ? `snapshot ${i + 1}` : null));
      process.stdout.write(`${text.join('\n\n')}\n`);
    });
}
