// The module table of docs/ARCHITECTURE.md is enforced by eslint.config.js: an import that breaks it
// fails `npm run lint`. Each case lints a planted file through the project's own configuration.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from './helpers/go-toolchains.js';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint keeps the module table', () => {
  test.each([
    ['a parser reaching for the disk', 'src/main/dump/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['a parser importing the store', 'src/main/dump/planted.ts', "import { HistoryStore } from '../store/history-store.js';\nexport const x = HistoryStore;\n"],
    ['the analysis importing collection', 'src/main/analysis/planted.ts', "import { Recorder } from '../collect/recorder.js';\nexport const x = Recorder;\n"],
    ['the store importing the api', 'src/main/store/planted.ts', "import { openApi } from '../api/open-api.js';\nexport const x = openApi;\n"],
    ['shared code importing main', 'src/shared/planted.ts', "import { parseDump } from '../main/dump/index.js';\nexport const x = parseDump;\n"],
    ['the renderer importing Node', 'src/renderer/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['the renderer importing main', 'src/renderer/app/planted.ts', "import { openApi } from '../../main/api/open-api.js';\nexport const x = openApi;\n"],
    ['the preload importing the renderer', 'src/preload/planted.ts', "import { App } from '../renderer/app/App.js';\nexport const x = App;\n"],
    ['anything but the app importing electron', 'src/main/transport/planted.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['source mapping importing the api', 'src/main/source/planted.ts', "import { openApi } from '../api/open-api.js';\nexport const x = openApi;\n"],
    ['the analysis importing source mapping', 'src/main/analysis/planted.ts', "import { SourceService } from '../source/source-service.js';\nexport const x = SourceService;\n"],
    ['the use cases importing the api', 'src/main/use-cases/planted.ts', "import { createApi } from '../api/create-api.js';\nexport const x = createApi;\n"],
    ['the use cases importing the CLI', 'src/main/use-cases/planted.ts', "import { main } from '../cli/program.js';\nexport const x = main;\n"],
    ['the collector importing the use cases', 'src/main/collect/planted.ts', "import { startRecording } from '../use-cases/record.js';\nexport const x = startRecording;\n"],
    ['a parser importing the use cases', 'src/main/dump/planted.ts', "import { parseFile } from '../use-cases/load-files.js';\nexport const x = parseFile;\n"],
    ['the CLI importing the analysis', 'src/main/cli/planted.ts', "import { analyzeSession } from '../analysis/analyze-session.js';\nexport const x = analyzeSession;\n"],
    ['the CLI importing the collector', 'src/main/cli/planted.ts', "import { Recorder } from '../collect/recorder.js';\nexport const x = Recorder;\n"],
    ['the CLI importing the store', 'src/main/cli/planted.ts', "import { HistoryStore } from '../store/history-store.js';\nexport const x = HistoryStore;\n"],
    ['the CLI importing a parser', 'src/main/cli/planted.ts', "import { parseSnapshots } from '../dump/parse-snapshots.js';\nexport const x = parseSnapshots;\n"],
    ['the CLI importing source mapping', 'src/main/cli/planted.ts', "import { SourceService } from '../source/source-service.js';\nexport const x = SourceService;\n"],
    ['the CLI importing the Electron transport', 'src/main/cli/planted.ts', "import { registerIpc } from '../transport/ipc.js';\nexport const x = registerIpc;\n"],
    ['the store importing source mapping', 'src/main/store/planted.ts', "import { SourceService } from '../source/source-service.js';\nexport const x = SourceService;\n"],
    ['the collector importing the analysis', 'src/main/collect/planted.ts', "import { analyzeSession } from '../analysis/analyze-session.js';\nexport const x = analyzeSession;\n"],
    ['a transport importing the store', 'src/main/transport/planted.ts', "import { HistoryStore } from '../store/history-store.js';\nexport const x = HistoryStore;\n"],
    ['a transport importing a use case', 'src/main/transport/planted.ts', "import { importUploads } from '../use-cases/import-uploads.js';\nexport const x = importUploads;\n"],
    ['the Electron app importing the collector', 'src/main/app/planted.ts', "import { Recorder } from '../collect/recorder.js';\nexport const x = Recorder;\n"],
    ['the Electron app importing the CLI', 'src/main/app/planted.ts', "import { main } from '../cli/program.js';\nexport const x = main;\n"],
    ['one view importing another', 'src/renderer/views/diff/planted.ts', "import { GroupsTable } from '../groups/GroupsTable.js';\nexport const x = GroupsTable;\n"],
    ['one view importing another through views/', 'src/renderer/views/report/planted.ts', "import { DiffView } from '../../views/diff/DiffView.js';\nexport const x = DiffView;\n"],
  ])('%s is refused', async (_name, file, code) => {
    const errors = await layerErrors(file, code);
    expect(errors.length).toBe(1);
    expect(errors[0]).toContain('may not import this (ARCHITECTURE.md module table)');
  });

  test.each([
    ['the app composing views', 'src/renderer/app/planted.ts', "import { GroupsTable } from '../views/groups/GroupsTable.js';\nexport const x = GroupsTable;\n"],
    ['a view importing shared UI', 'src/renderer/views/diff/planted.ts', "import { formatCount } from '../../ui/format.js';\nexport const x = formatCount;\n"],
    ['the analysis importing dump types', 'src/main/analysis/planted.ts', "import type { Snapshot } from '../../shared/snapshot.js';\nexport type X = Snapshot;\n"],
    ['the CLI calling a use case', 'src/main/cli/planted.ts', "import { startRecording } from '../use-cases/record.js';\nexport const x = startRecording;\n"],
    ['the CLI starting serve over the api and HTTP', 'src/main/cli/planted.ts', "import { openApi } from '../api/open-api.js';\nimport { startHttpServer } from '../transport/http.js';\nexport const x = [openApi, startHttpServer];\n"],
    ['the api calling a use case', 'src/main/api/planted.ts', "import { importUploads } from '../use-cases/import-uploads.js';\nexport const x = importUploads;\n"],
    ['the use cases driving the collector and the store', 'src/main/use-cases/planted.ts', "import { Recorder } from '../collect/recorder.js';\nimport { HistoryStore } from '../store/history-store.js';\nexport const x = [Recorder, HistoryStore];\n"],
    ['the Electron app wiring the api, IPC and a use case', 'src/main/app/planted.ts', "import { openApi } from '../api/open-api.js';\nimport { registerIpc } from '../transport/ipc.js';\nimport { loadProjectConfig } from '../use-cases/project-config.js';\nexport const x = [openApi, registerIpc, loadProjectConfig];\n"],
    ['the app importing electron', 'src/main/app/planted.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ])('%s is allowed', async (_name, file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
