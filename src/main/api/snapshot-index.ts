import type { RequestOutput } from '../../shared/contract.js';
import { keyFrames } from '../../shared/key-frames.js';
import type { Snapshot } from '../../shared/model.js';
import { indexDumpText, type DumpTextIndex } from '../dump/dump-text-index.js';
import { stackKeyOf } from '../dump/stack-key.js';
import type { RawDump } from '../store/types.js';

export type SnapshotIndex = RequestOutput<'snapshot.index'>;

/**
 * `snapshot.index` of a kept dump: its spans (dump/dump-text-index.ts, the parser's grammar) and the
 * group of each, as the grouping named it: a goroutine by its id (the snapshot's groups list their
 * ids), a debug=1 record by its key frames (`stackKeyOf`, the grouping's key). `kind` 'none' when no
 * text was kept, it is a binary profile, or a format without goroutines (expvar, Prometheus).
 */
export function snapshotIndexOf(snapshotId: number, raw: RawDump | null, snapshot: Snapshot): SnapshotIndex {
  const groupKeys = snapshot.groups.map((g) => g.key);
  const none: SnapshotIndex = { snapshotId, kind: 'none', lineCount: 0, startLines: [], endLines: [], groups: [], labels: [], groupKeys, labelSets: [] };
  if (raw === null || (raw.format !== 'traceback' && raw.format !== 'debug1')) return none;
  return snapshotIndexFrom(snapshotId, indexDumpText(raw.bytes, raw.format), snapshot);
}

/** `snapshot.index` from the kept dump's text index, made already (at import, by the parse worker). */
export function snapshotIndexFrom(snapshotId: number, index: DumpTextIndex, snapshot: Snapshot): SnapshotIndex {
  const groupKeys = snapshot.groups.map((g) => g.key);
  const groups = new Array<number>(index.startLines.length).fill(-1);
  if (index.kind === 'goroutines') {
    const groupOf = groupOfIdIn(snapshot);
    index.ids.forEach((id, i) => {
      groups[i] = groupOf(id);
    });
  } else {
    const position = new Map(groupKeys.map((k, at) => [k, at]));
    // Records of one stack usually repeat: key each distinct frames text once.
    const keyOfText = new Map<string, number>();
    index.recordFrames.forEach((frames, i) => {
      const text = frames.map((f) => `${f.func} ${f.file}:${f.line}`).join('\n');
      let at = keyOfText.get(text);
      if (at === undefined) {
        at = position.get(stackKeyOf(keyFrames(frames))) ?? -1;
        keyOfText.set(text, at);
      }
      groups[i] = at;
    });
  }
  return { snapshotId, kind: index.kind, lineCount: index.lineCount, startLines: index.startLines, endLines: index.endLines, groups, labels: index.labels, groupKeys, labelSets: index.labelSets };
}

/**
 * A goroutine id → its group's position (-1: none). Ids are small and dense in a real dump (Go counts
 * them up from 1): a table by id costs a few ms for 200,000 goroutines where a Map costs 100–250 ms on
 * a loaded machine; sparse ids (a crafted dump) get the Map.
 */
function groupOfIdIn(snapshot: Snapshot): (id: number) => number {
  let count = 0;
  let maxId = 0;
  for (const g of snapshot.groups) {
    count += g.ids.length;
    for (const id of g.ids) if (id > maxId) maxId = id;
  }
  if (Number.isSafeInteger(maxId) && maxId <= 8 * count + 1_000_000) {
    // Position + 1, so the zero a new table holds means "no group".
    const table = new Int32Array(maxId + 1);
    snapshot.groups.forEach((g, at) => {
      for (const id of g.ids) if (id >= 0) table[id] = at + 1;
    });
    return (id) => (id >= 0 && id <= maxId ? table[id]! - 1 : -1);
  }
  const groupOfId = new Map<number, number>();
  snapshot.groups.forEach((g, at) => {
    for (const id of g.ids) groupOfId.set(id, at);
  });
  return (id) => groupOfId.get(id) ?? -1;
}
