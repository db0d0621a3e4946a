import { execFile } from 'node:child_process';
import { InvalidInputError } from '../../shared/errors.js';
import type { EditorCommand } from './editor-command.js';

/**
 * Starts the editor detached and resolves once it has started (or rejects with InvalidInputError naming
 * the program when it cannot be started: not on PATH, not executable). `execFile` with an argument list,
 * never a shell, so no file name can become a command.
 */
export function launchEditor(command: EditorCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(command.program, command.args, { windowsHide: true }, () => undefined);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
    child.once('error', (cause) => {
      const why = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : cause.message;
      reject(new InvalidInputError(`cannot start the editor "${command.program}": ${why}; choose another editor or command template in the settings`, { cause }));
    });
  });
}
