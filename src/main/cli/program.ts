import { Command, CommanderError } from 'commander';
import { GoroscopeError } from '../../shared/errors.js';
import { registerParse } from './parse-command.js';
import { registerServe } from './serve-command.js';
import { registerRecord } from './record-command.js';
import { registerImport } from './import-command.js';
import { registerSessions } from './sessions-command.js';
import { registerReport } from './report-command.js';
import { registerCheck } from './check-command.js';

/**
 * `goroscope` — plain Node, no Electron. Exit codes: 0 success, 1 a finding (`check`), 2 refused
 * input or any error, with the message on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('goroscope')
    .description('Find goroutine leaks in Go services')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerParse(program);
  registerServe(program);
  registerRecord(program);
  registerImport(program);
  registerSessions(program);
  registerReport(program);
  registerCheck(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof GoroscopeError) {
      process.stderr.write(`goroscope: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`goroscope: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}
