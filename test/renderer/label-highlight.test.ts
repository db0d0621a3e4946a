// The dump view's `label:key=value` highlight on real Go 1.27 output (labels bare and Go-quoted in
// traceback headers) and on a debug=1 profile's `# labels:` lines.
import { beforeAll, describe, expect, test } from 'vitest';
import { indexDumpText } from '../../src/main/dump/dump-text-index.js';
import type { DumpIndex } from '../../src/renderer/views/dump-view/dump-index.js';
import { spansCarrying } from '../../src/renderer/views/dump-view/label-highlight.js';
import { parseLabelTerms } from '../../src/renderer/ui/label-terms.js';
import { buildLabelled, capture } from '../helpers/labelled-fixture.js';

let dump = '';
beforeAll(async () => {
  dump = (await capture(await buildLabelled(), ['stack', '-leaks', '5'])).stdout;
}, 180_000);

/** The view's index of a dump as main makes it (labels read by the parser's header and `# labels:` grammar). */
function indexOf(text: string, format: 'traceback' | 'debug1'): { index: DumpIndex; ids: number[] } {
  const ix = indexDumpText(text, format);
  const index: DumpIndex = { snapshotId: 1, kind: ix.kind, lineCount: ix.lineCount, startLines: ix.startLines, endLines: ix.endLines, groups: ix.startLines.map(() => -1), labels: ix.labels, groupKeys: [], labelSets: ix.labelSets };
  return { index, ids: ix.ids };
}

/** Goroutine ids (null for a debug=1 record) of the spans carrying the query's terms. */
const idsCarrying = (text: string, query: string, format: 'traceback' | 'debug1' = 'traceback'): (number | null)[] => {
  const { index, ids } = indexOf(text, format);
  return spansCarrying(index, parseLabelTerms(query).terms).map((s) => (ids[s] === -1 ? null : ids[s]!));
};
const headerIds = (pattern: RegExp): number[] =>
  dump.split('\n').flatMap((l) => (pattern.test(l) ? [Number(/^goroutine (\d+)/.exec(l)![1])] : []));

describe('highlighting a label value in a Go 1.27 dump', () => {
  test.each([
    { query: 'label:tenant=t-0', pattern: /tenant: "t-0"\}:$/, count: 2 },
    { query: 'label:route="GET /orders" label:tenant=t-1', pattern: /tenant: "t-1"\}:$/, count: 2 },
    { query: 'label:pool=workers', pattern: /\{pool: workers\}:$/, count: 4 },
    { query: 'label:user="Zoë ✓"', pattern: /user: "Zo\\u00eb \\u2713"/, count: 1 },
    { query: 'label:k.v/x_y=bare.value/ok_1', pattern: /k\.v\/x_y: bare\.value\/ok_1/, count: 1 },
    { query: 'label:tenant', pattern: /tenant: /, count: 5 },
    { query: 'label:tenant=nobody', pattern: /nobody/, count: 0 },
  ])('$query', ({ query, pattern, count }) => {
    const ids = idsCarrying(dump, query);
    expect(ids).toHaveLength(count);
    expect(ids).toEqual(headerIds(pattern));
  });

  test('a debug=1 record with the label on the line after it', () => {
    const text = ['goroutine profile: total 3', '2 @ 0x1 0x2', '# labels: {"route":"GET /x", "tenant":"acme"}', '#\t0x1\tmain.f+0x1\t/src/main.go:3', '', '1 @ 0x1 0x2', '#\t0x1\tmain.g+0x1\t/src/main.go:4', ''].join('\n');
    expect(idsCarrying(text, 'label:tenant=acme', 'debug1')).toEqual([null]);
    expect(idsCarrying(text, 'label:tenant=other', 'debug1')).toEqual([]);
  });
});
