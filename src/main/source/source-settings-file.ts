import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../../shared/errors.js';
import { SourceSettingsSchema, type SourceSettings } from '../../shared/source.js';

/** The app's source settings, a JSON file beside the history (`goroscope.db` → `source-settings.json`). */
export const SETTINGS_FILE_NAME = 'source-settings.json';

export const DEFAULT_SOURCE_SETTINGS: SourceSettings = SourceSettingsSchema.parse({});

export function settingsPathFor(historyPath: string): string {
  return path.join(path.dirname(historyPath), SETTINGS_FILE_NAME);
}

/** The settings in `file`; the defaults when there is none. Throws InvalidInputError naming the file when it is not valid. */
export async function loadSourceSettings(file: string): Promise<SourceSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_SOURCE_SETTINGS;
    throw new InvalidInputError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError(`${file}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = SourceSettingsSchema.safeParse(doc);
  if (!parsed.success) throw new InvalidInputError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export async function saveSourceSettings(file: string, settings: SourceSettings): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(settings, null, 2)}\n`);
  await rename(tmp, file);
}
