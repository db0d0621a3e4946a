import type { DumpFormat, Frame, Group, ProfileKind, Snapshot } from '../../shared/model.js';
import { matchIgnoreRules, type SourcedRule } from './ignore-rules.js';

/** Goroutine ids of one group in two full dumps. */
export interface IdChange {
  persisted: number[];
  /** In the later dump only: started since (Go numbers goroutines in increasing order). */
  added: number[];
  /** In the earlier dump only: ended since. */
  gone: number[];
}

export interface GroupChange {
  key: string;
  blockingSite: Frame | null;
  createdBy: Frame | null;
  before: number;
  after: number;
  delta: number;
  /** Only when both snapshots list goroutines one by one (debug=2 / crash dumps). */
  ids: IdChange | null;
}

export interface SnapshotDiff {
  before: { format: DumpFormat; profile: ProfileKind | null; total: number };
  after: { format: DumpFormat; profile: ProfileKind | null; total: number };
  appeared: GroupChange[];
  vanished: GroupChange[];
  grew: GroupChange[];
  shrank: GroupChange[];
  /** Groups present in both with the same count. */
  unchanged: GroupChange[];
  /** Totals over all groups when both are full dumps; null otherwise. */
  ids: { persisted: number; added: number; gone: number } | null;
  /** Groups left out by ignore rules. */
  ignored: number;
}

/**
 * Compares two snapshots of any formats (group keys are equal across formats): groups that
 * appeared, vanished, grew, shrank, largest change first; with two full dumps, which goroutine ids
 * persisted and which are new. `rules` leaves out matching groups (none by default).
 */
export function diffSnapshots(before: Snapshot, after: Snapshot, rules: readonly SourcedRule[] = []): SnapshotDiff {
  const a = new Map(before.groups.map((g) => [g.key, g]));
  const b = new Map(after.groups.map((g) => [g.key, g]));
  const hasIds = isFullDump(before) && isFullDump(after);
  const out: SnapshotDiff = {
    before: { format: before.format, profile: before.profile, total: before.total },
    after: { format: after.format, profile: after.profile, total: after.total },
    appeared: [],
    vanished: [],
    grew: [],
    shrank: [],
    unchanged: [],
    ids: hasIds ? { persisted: 0, added: 0, gone: 0 } : null,
    ignored: 0,
  };
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const ga = a.get(key);
    const gb = b.get(key);
    const g = (gb ?? ga)!;
    const countA = ga?.count ?? 0;
    const countB = gb?.count ?? 0;
    const subject = {
      frames: g.frames,
      blockingSite: g.blockingSite,
      createdBy: gb?.createdBy ?? ga?.createdBy ?? null,
      states: [...Object.keys(ga?.states ?? {}), ...Object.keys(gb?.states ?? {})],
      peak: Math.max(countA, countB),
      isGrowing: countB > countA,
    };
    if (matchIgnoreRules(rules, subject)) {
      out.ignored++;
      continue;
    }
    const ids = hasIds ? idChange(ga, gb) : null;
    if (ids && out.ids) {
      out.ids.persisted += ids.persisted.length;
      out.ids.added += ids.added.length;
      out.ids.gone += ids.gone.length;
    }
    const change: GroupChange = { key, blockingSite: g.blockingSite, createdBy: subject.createdBy, before: countA, after: countB, delta: countB - countA, ids };
    if (countA === 0 && countB > 0) out.appeared.push(change);
    else if (countB === 0 && countA > 0) out.vanished.push(change);
    else if (countB > countA) out.grew.push(change);
    else if (countB < countA) out.shrank.push(change);
    else out.unchanged.push(change);
  }
  for (const list of [out.appeared, out.vanished, out.grew, out.shrank, out.unchanged]) {
    list.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || y.after - x.after || (x.key < y.key ? -1 : 1));
  }
  return out;
}

function isFullDump(s: Snapshot): boolean {
  return s.format === 'traceback';
}

function idChange(a: Group | undefined, b: Group | undefined): IdChange {
  const before = a?.ids ?? [];
  const after = b?.ids ?? [];
  const persisted: number[] = [];
  const added: number[] = [];
  const gone: number[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (j >= after.length || (i < before.length && before[i]! < after[j]!)) gone.push(before[i++]!);
    else if (i >= before.length || after[j]! < before[i]!) added.push(after[j++]!);
    else {
      persisted.push(before[i]!);
      i++;
      j++;
    }
  }
  return { persisted, added, gone };
}
