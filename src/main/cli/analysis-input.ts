import { existsSync } from 'node:fs';
import type { Report } from '../../shared/report.js';
import { GoroscopeError, InvalidInputError } from '../../shared/errors.js';
import { parseSnapshots } from '../api/parse-snapshots.js';
import { ticksFromFiles, type ParsedFile } from '../analysis/file-ticks.js';
import { fromSnapshots } from '../analysis/from-snapshots.js';
import type { LoadedSession } from '../analysis/session.js';
import { analyzeSession } from '../analysis/analyze-session.js';
import { DEFAULT_PROJECT_CONFIG, parseProjectConfig, rulesOf, type ProjectConfig } from '../analysis/ignore-rules.js';
import { buildReport } from '../analysis/report/build-report.js';
import { readInput } from './read-input.js';
import type { AnalysisBackends, SessionSource } from './analysis-backends.js';

export const PROJECT_FILE = '.goroscope.json';

/** `60s`, `2m`, `500ms`, `1h`, `1.5s` → milliseconds. Throws naming the option and the text. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new InvalidInputError(`${option}: expected a duration such as 60s, 2m or 500ms, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new InvalidInputError(`${option}: must be more than 0, got "${text}"`);
  return ms;
}

export interface LoadedConfig {
  config: ProjectConfig;
  /** The file read, or null when none (built-in rules only). */
  fileName: string | null;
}

/** `--config FILE` (must exist), else `.goroscope.json` in the working folder when there is one. */
export async function loadProjectConfig(path: string | undefined): Promise<LoadedConfig> {
  const file = path ?? (existsSync(PROJECT_FILE) ? PROJECT_FILE : null);
  if (file === null) return { config: DEFAULT_PROJECT_CONFIG, fileName: null };
  const text = new TextDecoder('utf-8').decode(await readInput(file));
  return { config: parseProjectConfig(text, file), fileName: file };
}

/** Reads and parses the files in the order given (= time order); errors name the file. */
export async function loadFiles(files: readonly string[], intervalMs: number): Promise<LoadedSession> {
  const parsed: ParsedFile[] = [];
  for (const name of files) {
    const bytes = await readInput(name);
    try {
      parsed.push({ name, snapshots: parseSnapshots(bytes) });
    } catch (cause) {
      if (cause instanceof GoroscopeError) throw new InvalidInputError(`${name}: ${cause.message}`, { cause });
      throw cause;
    }
  }
  const ticks = ticksFromFiles(parsed, intervalMs);
  return {
    session: fromSnapshots(ticks.entries),
    source: { kind: 'files', files: [...files] },
    timesAssumed: ticks.timesAssumed,
    assumedIntervalMs: ticks.timesAssumed ? intervalMs : null,
  };
}

/** A lone argument that names no file and is a number: a session id of the history. */
export function sessionIdOf(inputs: readonly string[]): number | null {
  if (inputs.length !== 1 || existsSync(inputs[0]!)) return null;
  return /^\d+$/.test(inputs[0]!) ? Number(inputs[0]) : null;
}

/** Opens the history and loads a session. Throws NotFoundError for an unknown id. */
export function loadSessionById(backends: AnalysisBackends, sessionId: number, dbPath: string | null): LoadedSession {
  const sessions: SessionSource = backends.openSessions(dbPath);
  try {
    return sessions.loadSession(sessionId);
  } finally {
    sessions.dispose();
  }
}

/** Analysis of a loaded session with the project's rules, as the one report model. */
export function reportOf(loaded: LoadedSession, { config, fileName }: LoadedConfig): Report {
  const analysis = analyzeSession(loaded.session, {
    rules: rulesOf(config, fileName ?? PROJECT_FILE),
    minGrowth: config.minGrowth,
    timesAssumed: loaded.timesAssumed,
  });
  return buildReport(loaded.session, analysis, {
    source: loaded.source,
    timesAssumed: loaded.timesAssumed,
    assumedIntervalMs: loaded.assumedIntervalMs,
  });
}
