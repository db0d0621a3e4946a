import { describe, expect, test } from 'vitest';
import { foldsOf, groupKeyAtLine, rangesOfSpans, spanIndexAtLine, spansOfGroup, type DumpIndex } from '../../src/renderer/views/dump-view/dump-index.js';
import { stepLine } from '../../src/renderer/views/dump-view/dump-navigation.js';

// The dump view walks the index main sends (`snapshot.index`; main's side is tested in
// test/dump/dump-text-index.test.ts and test/api/snapshot-index.test.ts). Goroutines 1, 7, 8 and 30
// of a small dump: 1-3, 5-9, 11-13 (one blank line before it), 16-17 (two blank lines before it).
const INDEX: DumpIndex = {
  snapshotId: 1,
  kind: 'goroutines',
  lineCount: 17,
  startLines: [1, 5, 11, 16],
  endLines: [3, 9, 13, 17],
  groups: [1, 0, 0, -1],
  labels: [-1, -1, 0, -1],
  groupKeys: ['leak', 'main'],
  labelSets: [{ tenant: 'acme' }],
};

describe('the dump view over its index', () => {
  test('spansOfGroup: a group’s spans in text order; none for an unknown key or none selected', () => {
    expect(spansOfGroup(INDEX, 'leak')).toEqual([1, 2]);
    expect(spansOfGroup(INDEX, 'main')).toEqual([0]);
    expect(spansOfGroup(INDEX, 'gone')).toEqual([]);
    expect(spansOfGroup(INDEX, null)).toEqual([]);
  });

  test('rangesOfSpans merges neighbours one blank line apart, not two', () => {
    expect(rangesOfSpans(INDEX, [1, 2])).toEqual([{ startLine: 5, endLine: 13 }]);
    expect(rangesOfSpans(INDEX, [2, 3])).toEqual([
      { startLine: 11, endLine: 13 },
      { startLine: 16, endLine: 17 },
    ]);
    expect(rangesOfSpans(INDEX, [])).toEqual([]);
  });

  test('spanIndexAtLine and groupKeyAtLine: the goroutine around a line, nothing between goroutines', () => {
    expect(spanIndexAtLine(INDEX, 12)).toBe(2);
    expect(spanIndexAtLine(INDEX, 5)).toBe(1);
    expect(spanIndexAtLine(INDEX, 4)).toBe(-1);
    expect(spanIndexAtLine(INDEX, 99)).toBe(-1);
    expect(groupKeyAtLine(INDEX, 2)).toBe('main');
    expect(groupKeyAtLine(INDEX, 12)).toBe('leak');
    // Goroutine 30 is in no group the snapshot lists.
    expect(groupKeyAtLine(INDEX, 17)).toBeNull();
    expect(groupKeyAtLine(INDEX, 10)).toBeNull();
  });

  test('foldsOf: every span of more than one line', () => {
    const one: DumpIndex = { ...INDEX, startLines: [1, 3], endLines: [1, 5], groups: [-1, -1], labels: [-1, -1] };
    expect(foldsOf(one)).toEqual([{ startLine: 3, endLine: 5 }]);
    expect(foldsOf(INDEX)).toHaveLength(4);
  });

  test('stepLine wraps round both ways', () => {
    expect(stepLine(3, 2, 1)).toBe(0);
    expect(stepLine(3, 0, -1)).toBe(2);
    expect(stepLine(0, 0, 1)).toBeNull();
  });
});
