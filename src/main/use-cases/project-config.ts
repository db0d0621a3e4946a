import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../../shared/errors.js';
import { DEFAULT_PROJECT_CONFIG, parseProjectConfig, type ProjectConfig } from '../analysis/ignore-rules.js';

/** The project file `report`, `check` and `serve` read from the working folder when no `--config` names one. */
export const PROJECT_FILE = '.goroscope.json';

export interface LoadedConfig {
  config: ProjectConfig;
  /** The file read, or null when none (built-in rules only). */
  fileName: string | null;
  /** The file's `sourceRoots`, resolved against the file's folder. */
  sourceRoots: string[];
}

/** Built-in rules only: what a caller uses when there is no project file. */
export const NO_PROJECT_CONFIG: LoadedConfig = { config: DEFAULT_PROJECT_CONFIG, fileName: null, sourceRoots: [] };

/**
 * `file` (it must exist), else `.goroscope.json` in the working folder when there is one, else built-in
 * rules only. Throws InvalidInputError naming the file: unreadable (`cannot read x.json: no such
 * file`), not JSON, or a field that is unknown or mistyped (`x.json: ignore[1].topFunction: …`).
 */
export function loadProjectConfig(file: string | undefined): LoadedConfig {
  const chosen = file ?? (existsSync(PROJECT_FILE) ? PROJECT_FILE : null);
  if (chosen === null) return NO_PROJECT_CONFIG;
  let text: string;
  try {
    text = readFileSync(chosen, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
    throw new InvalidInputError(`cannot read ${chosen}: ${why}`, { cause });
  }
  const config = parseProjectConfig(text, chosen);
  return { config, fileName: chosen, sourceRoots: config.sourceRoots.map((r) => path.resolve(path.dirname(chosen), r)) };
}
