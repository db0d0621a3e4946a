import type { RequestOutput, RequestParams } from '../../shared/contract.js';
import { InvalidInputError } from '../../shared/errors.js';
import type { SourceSettings } from '../../shared/source.js';
import { editorCommand, type EditorCommand } from '../source/editor-command.js';
import { launchEditor } from '../source/editor-launch.js';
import { DEFAULT_SOURCE_SETTINGS, loadSourceSettings, saveSourceSettings } from '../source/source-settings-file.js';
import { SourceService } from '../source/source-service.js';

/**
 * Source mapping behind the `source.*` and `sourceSettings.*` requests. The roots are the fixed ones
 * (`--source`, `.goroscope.json` `sourceRoots`) followed by the app's settings. Opening an editor runs a
 * program on the machine that serves the api: only the Electron app and `serve` on loopback may
 * (`canOpenEditor`), and only for a file the service resolved itself. Who may reach the port beyond
 * loopback may neither launch programs nor change the roots or the editor command (`canChangeSettings`).
 */
export interface SourceAccessOptions {
  fixedRoots: readonly string[];
  /** The settings file (beside the history); null keeps settings in memory only. */
  settingsFile: string | null;
  canOpenEditor: boolean;
  canChangeSettings: boolean;
  /** Tests pass a recorder instead of starting a real editor. */
  launch?: (command: EditorCommand) => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

export interface SourceAccess {
  readonly service: SourceService;
  readonly options: SourceAccessOptions;
  settings(): Promise<SourceSettings>;
  /** Whether any source root is configured (flags, project file or settings). */
  hasRoots(): Promise<boolean>;
  saveSettings(settings: SourceSettings): Promise<void>;
}

export function createSourceAccess(options: SourceAccessOptions): SourceAccess {
  let settings: SourceSettings | null = options.settingsFile === null ? DEFAULT_SOURCE_SETTINGS : null;
  const service = new SourceService(() => [...options.fixedRoots, ...(settings?.roots ?? [])], options.env);
  const current = async (): Promise<SourceSettings> => {
    settings ??= await loadSourceSettings(options.settingsFile!);
    return settings;
  };
  return {
    service,
    options,
    settings: current,
    hasRoots: async () => options.fixedRoots.length > 0 || (await current()).roots.length > 0,
    async saveSettings(next) {
      if (options.settingsFile !== null) await saveSourceSettings(options.settingsFile, next);
      settings = next;
      service.reload();
    },
  };
}

function accessOf(access: SourceAccess | null): SourceAccess {
  if (access === null) throw new InvalidInputError('source mapping is not part of this api');
  return access;
}

export function sourceHandlers(access: SourceAccess | null) {
  return {
    'source.resolve': async ({ frames }: RequestParams<'source.resolve'>): Promise<RequestOutput<'source.resolve'>> => {
      const a = accessOf(access);
      await a.settings();
      return { ...(await a.service.resolve(frames)), canOpenEditor: a.options.canOpenEditor };
    },
    'source.read': async ({ frame }: RequestParams<'source.read'>): Promise<RequestOutput<'source.read'>> => {
      const a = accessOf(access);
      await a.settings();
      return a.service.read(frame);
    },
    'source.open': async ({ frame }: RequestParams<'source.open'>): Promise<RequestOutput<'source.open'>> => {
      const a = accessOf(access);
      if (!a.options.canOpenEditor) {
        throw new InvalidInputError('opening an editor is refused here: only the desktop app and `goroscope serve` bound to loopback start programs');
      }
      const s = await a.settings();
      const localPath = await a.service.localPathOf(frame);
      const command = editorCommand(s.editor, s.commandTemplate, localPath, frame.line);
      await (a.options.launch ?? launchEditor)(command);
      return { program: command.program, localPath };
    },
    'sourceSettings.get': async (): Promise<RequestOutput<'sourceSettings.get'>> => {
      const a = accessOf(access);
      return { settings: await a.settings(), canChange: a.options.canChangeSettings };
    },
    'sourceSettings.set': async ({ settings }: RequestParams<'sourceSettings.set'>): Promise<RequestOutput<'sourceSettings.set'>> => {
      const a = accessOf(access);
      if (!a.options.canChangeSettings) throw new InvalidInputError('source settings cannot be changed over a port other machines can reach (serve --allow-remote)');
      if (settings.editor === 'custom') editorCommand('custom', settings.commandTemplate, '/x', 1);
      await a.saveSettings(settings);
      return { settings };
    },
  };
}
