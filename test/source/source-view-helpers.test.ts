// The source view's pure helpers (renderer) and the report's excerpt layout (analysis).
import { describe, expect, test } from 'vitest';
import { suspectExcerptsHtml, suspectExcerptsMarkdown, vscodeLink } from '../../src/main/analysis/report/source-excerpt.js';
import type { ReportSuspect } from '../../src/shared/report.js';
import { framesToResolve, initialPick, pickedFrame, pickedSource, resolvedSummary, rootsFromText, rootsLine } from '../../src/renderer/views/source-view/source-view.js';

const a = { func: 'runtime.gopark', file: '/usr/lib/go/src/runtime/proc.go', line: 363 };
const b = { func: 'main.worker', file: '/build/svc/main.go', line: 84 };
const c = { func: 'main.main', file: '/build/svc/main.go', line: 20 };

describe('source view helpers', () => {
  test('picks, frames and summaries', () => {
    expect(framesToResolve([a, b], c)).toEqual([a, b, c]);
    expect(framesToResolve([a, b], null)).toEqual([a, b]);
    expect(initialPick([a, b], { ...b })).toEqual({ kind: 'stack', index: 1 });
    expect(initialPick([a, b], null)).toEqual({ kind: 'stack', index: 0 });
    expect(initialPick([], b)).toBeNull();
    expect(pickedFrame({ kind: 'created' }, [a, b], c)).toBe(c);
    expect(pickedFrame({ kind: 'stack', index: 5 }, [a, b], c)).toBeNull();
    const resolved = [a, b, c].map((f, i) => ({ file: f.file, line: f.line, isResolved: i > 0, via: null, localPath: null, reason: String(i) }));
    expect(pickedSource({ kind: 'created' }, resolved, 2)?.reason).toBe('2');
    expect(pickedSource({ kind: 'stack', index: 0 }, resolved, 2)?.reason).toBe('0');
    expect(resolvedSummary(resolved.slice(0, 2))).toBe('1 of 2 frames resolved');
    expect(rootsFromText(' /a \n\n/b c\n')).toEqual(['/a', '/b c']);
    expect(rootsLine({ modules: [{ dir: '/s', modulePath: 'example.com/s' }, { dir: '/t', modulePath: null }], goroot: { dir: '/g', version: '1.22.1' }, modCache: null, notes: [] })).toBe(
      'Reading from /s (example.com/s), /t · GOROOT /g (Go 1.22.1) · no module cache',
    );
    expect(rootsLine({ modules: [], goroot: null, modCache: '/m', notes: [] })).toBe('Reading from no source root · no GOROOT · module cache /m');
  });
});

describe('report excerpts', () => {
  const suspect = { key: 'k1' } as ReportSuspect;
  const excerpts = new Map([
    ['k1', { blocking: { frame: b, localPath: '/home/me/svc/main.go', firstLine: 83, lines: ['\tx := <-in', '\tout <- `a` + "```" // <b>', '}'] }, createdBy: null }],
  ]);

  test('Markdown: the site marked, a fence no line can close, links only when asked', () => {
    expect(suspectExcerptsMarkdown(suspect, { excerpts, hasEditorLinks: false })).toBe(
      ['Blocking site `main.go:84`:', '', '````go', '   83 | \tx := <-in', '→  84 | \tout <- `a` + "```" // <b>', '   85 | }', '````', ''].join('\n'),
    );
    expect(suspectExcerptsMarkdown(suspect, { excerpts, hasEditorLinks: true })).toContain('Blocking site `main.go:84` ([open](vscode://file/home/me/svc/main.go:84)):');
    expect(suspectExcerptsMarkdown({ key: 'other' } as ReportSuspect, { excerpts, hasEditorLinks: false })).toBe('');
    expect(suspectExcerptsMarkdown(suspect, undefined)).toBe('');
  });

  test('HTML: escaped, the site in <mark>', () => {
    const html = suspectExcerptsHtml(suspect, { excerpts, hasEditorLinks: false });
    expect(html).toContain('<mark><span class="ln"> 84</span> \tout &lt;- `a` + &quot;```&quot; // &lt;b&gt;</mark>');
    expect(html).not.toContain('vscode://');
    expect(vscodeLink('/home/me/my svc/main.go', 7)).toBe('vscode://file/home/me/my%20svc/main.go:7');
  });
});
