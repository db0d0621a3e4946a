import { InvalidInputError } from '../../shared/errors.js';
import type { EditorKind } from '../../shared/source.js';

/**
 * The program and arguments that open a local file at a line. Never a shell string: the file is one
 * argument whatever it holds, and only files the main process resolved under its roots get here. Pure.
 *
 *   vscode                       → code -g /home/me/svc/main.go:84
 *   goland                       → goland --line 84 /home/me/svc/main.go
 *   custom "subl {file}:{line}"  → subl /home/me/svc/main.go:84
 */
export interface EditorCommand {
  program: string;
  args: string[];
}

export function editorCommand(kind: EditorKind, template: string | null, file: string, line: number): EditorCommand {
  const at = String(Math.max(1, line));
  if (kind === 'vscode') return { program: 'code', args: ['-g', `${file}:${at}`] };
  if (kind === 'goland') return { program: 'goland', args: ['--line', at, file] };
  const words = (template ?? '').trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new InvalidInputError('editor command template is empty: set one in the settings, e.g. "subl {file}:{line}"');
  if (!words.some((w) => w.includes('{file}'))) throw new InvalidInputError(`editor command template "${template}" has no {file}: e.g. "subl {file}:{line}"`);
  const fill = (w: string): string => w.replaceAll('{file}', file).replaceAll('{line}', at);
  return { program: words[0]!, args: words.slice(1).map(fill) };
}
