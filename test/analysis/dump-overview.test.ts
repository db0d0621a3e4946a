import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseDump } from '../../src/main/dump/parse-dump.js';
import { dumpOverview } from '../../src/main/analysis/dump-overview.js';
import { DumpOverviewSchema } from '../../src/shared/dump-overview.js';
import { corpusPath, REPO_ROOT } from './helpers.js';
import path from 'node:path';

const dumpOf = (file: string) => parseDump(readFileSync(file))[0]!;

describe('dumpOverview: one dump on one page', () => {
  test('Go 1.27 (created by … in goroutine N, (leaked) marks): groups, origins, states, the creation tree', () => {
    const o = DumpOverviewSchema.parse(dumpOverview(dumpOf(corpusPath('14-go127-leak-profile', 't2.debug2.txt'))));
    console.log(JSON.stringify({ ...o, groups: o.groups.slice(0, 2) }, null, 1).slice(0, 4000));
  });
});
