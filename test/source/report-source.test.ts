// `goroscope report ID --source DIR`: a recorded session of the leaky fixture (built from
// test/fixtures/go/leaky) shows, for every suspect, the exact text of its blocking line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Report } from '../../src/shared/report.js';
import { ensureCliBuilt } from '../helpers/cli-build.js';
import { buildFixture, fixtureSourcePath, leakMarkers, REPO_ROOT } from '../helpers/go-toolchains.js';
import { fixture, runCli, tempStore } from '../integration/record-helpers.js';

const LEAKY_DIR = path.dirname(fixtureSourcePath('leaky'));

function lineOf(file: string, line: number): string {
  return readFileSync(file, 'utf8').split('\n')[line - 1]!;
}

describe('report --source', () => {
  let binary: string;
  beforeAll(async () => {
    await ensureCliBuilt();
    binary = await buildFixture('leaky', 'go1.19', path.join(REPO_ROOT, '.cache', 'fixtures'));
  }, 120_000);

  test('Markdown and HTML show each suspect’s blocking line from the checkout; links only when asked', { timeout: 60_000 }, async () => {
    const svc = await fixture(binary, ['--rate', '20', '--kinds', 'ABC']);
    const { dir } = tempStore();
    const db = path.join(dir, 'report.db');
    const rec = runCli(['record', svc.url, '--interval', '300ms', '--duration', '2400ms', '--full-every', '2', '--db', db]);
    expect(await rec.exited).toBe(0);

    const json = runCli(['report', '1', '--db', db, '--format', 'json']);
    expect(await json.exited).toBe(0);
    const report = JSON.parse(json.stdout()) as Report;
    const markers = leakMarkers('leaky');
    const ownSites = report.suspects.map((s) => s.blockingSite!).filter((f) => f.file === fixtureSourcePath('leaky'));
    expect(ownSites.map((f) => f.line).sort()).toEqual([markers['LEAK-A'], markers['LEAK-B'], markers['LEAK-C']].sort());

    const md = runCli(['report', '1', '--db', db, '--source', LEAKY_DIR, '--format', 'md']);
    expect(await md.exited).toBe(0);
    const text = md.stdout();
    expect(report.suspects.length).toBeGreaterThanOrEqual(3);
    for (const s of report.suspects) {
      // Built on this machine: the dump's path is the file itself (the checkout, or Go's own sources).
      const exact = lineOf(s.blockingSite!.file, s.blockingSite!.line);
      expect(text).toContain(`→ ${String(s.blockingSite!.line).padStart(3)} | ${exact}\n`);
    }
    expect(text).toContain(`→  ${markers['LEAK-A']} | \t${lineOf(fixtureSourcePath('leaky'), markers['LEAK-A']!).trim()}\n`);
    expect(text).not.toContain('vscode://');

    const html = runCli(['report', '1', '--db', db, '--source', LEAKY_DIR, '--format', 'html', '--editor-links']);
    expect(await html.exited).toBe(0);
    expect(html.stdout()).toContain(`<a href="vscode://file${fixtureSourcePath('leaky')}:${markers['LEAK-A']}">main.go:${markers['LEAK-A']}</a>`);
    expect(html.stdout()).toContain(`<mark><span class="ln"> ${markers['LEAK-A']}</span> \tresult &lt;- 42 // LEAK-A</mark>`);

    // Without --source (and no sourceRoots) the report is as before: no code.
    const plain = runCli(['report', '1', '--db', db, '--format', 'md']);
    expect(await plain.exited).toBe(0);
    expect(plain.stdout()).not.toContain('Blocking site `main.go');
  });
});
