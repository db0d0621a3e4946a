// Golden test (STYLE.md §6): every dump of ../shared/corpus against test/golden/<path>.json, which holds
// the `goroscope parse --json` shape (or the refusal message). Files over 1 MB get a summary golden.
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run test/dump/golden.test.ts — then read the diff.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoroscopeError } from '../../src/shared/errors.js';
import type { Snapshot } from '../../src/shared/model.js';
import { snapshotJson } from '../../src/main/cli/parse-command.js';
import { GOLDEN_DIR, corpusFiles, corpusSize, snapshotsOf } from './corpus.js';

const isUpdate = process.env['UPDATE_GOLDEN'] === '1';
const SUMMARY_OVER_BYTES = 1 << 20;

function goldenPath(relative: string): string {
  return path.join(GOLDEN_DIR, `${relative.replaceAll('/', '__')}.json`);
}

/** A big dump's golden: what matters without 50,000 ids. */
function summaryJson(s: Snapshot): object {
  return {
    format: s.format,
    profile: s.profile,
    total: s.total,
    threadStacks: s.threadStacks,
    groupCount: s.groups.length,
    topGroups: (snapshotJson({ ...s, groups: s.groups.slice(0, 5) }) as { groups: Record<string, unknown>[] }).groups.map(
      ({ ids: _ids, ...group }) => group,
    ),
    warnings: s.warnings,
  };
}

function resultOf(relative: string): unknown {
  let snapshots: Snapshot[];
  try {
    snapshots = snapshotsOf(relative);
  } catch (error) {
    if (!(error instanceof GoroscopeError)) throw error;
    return { error: { name: error.name, code: error.code, message: error.message } };
  }
  const toJson = corpusSize(relative) > SUMMARY_OVER_BYTES ? (s: Snapshot) => ({ summary: summaryJson(s) }) : (s: Snapshot) => snapshotJson(s);
  return snapshots.length === 1 ? toJson(snapshots[0]!) : { snapshots: snapshots.map(toJson) };
}

/**
 * JSON with flat or short values on one line (frames, states, id lists), so a golden stays readable and a
 * diff shows which group changed.
 */
function compactJson(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (value === null || typeof value !== 'object') return flat;
  const isFlat = Object.values(value).every((v) => v === null || typeof v !== 'object');
  if (isFlat || flat.length + indent.length <= 110) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

describe('golden: every corpus dump', () => {
  const files = corpusFiles();

  it('walks the whole corpus (public and generated)', () => {
    expect(files.filter((f) => f.startsWith('public/'))).toHaveLength(30);
    expect(files.filter((f) => f.startsWith('generated/'))).toHaveLength(217);
  });

  it('has no golden without its corpus file', () => {
    if (isUpdate) return;
    const expected = files.map((f) => path.basename(goldenPath(f))).sort();
    expect(readdirSync(GOLDEN_DIR).sort()).toEqual(expected);
  });

  it.each(files)('%s', (relative) => {
    const actual = JSON.parse(JSON.stringify(resultOf(relative))) as unknown;
    const file = goldenPath(relative);
    if (isUpdate) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, `${compactJson(actual)}\n`);
      return;
    }
    if (!existsSync(file)) throw new Error(`no golden ${file}; run UPDATE_GOLDEN=1 npx vitest run test/dump/golden.test.ts`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
