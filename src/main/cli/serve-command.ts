import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidInputError } from '../../shared/errors.js';
import { openApi } from '../api/open-api.js';
import { resolveDbPath } from '../use-cases/session-history.js';
import { workerIntake } from '../use-cases/worker-intake.js';
import { maxBytesOption } from './max-bytes-option.js';
import { loadProjectConfig, PROJECT_FILE } from '../use-cases/project-config.js';
import { startHttpServer } from '../transport/http.js';
import { isLoopbackHost } from '../transport/http-guards.js';
import { collectDirs } from './report-command.js';
import { scheduleColumnsWarmUp } from '../api/warm-up-columns.js';

interface ServeOptions {
  port: string;
  host: string;
  db?: string;
  config?: string;
  allowRemote?: boolean;
  source: string[];
  maxBytes: number;
}

/** out/main/cli.js → out/renderer: the renderer the build put beside the CLI bundle. */
function rendererDir(): string {
  const dir = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (!existsSync(`${dir}/index.html`)) {
    throw new InvalidInputError(`the UI is not built: ${dir}index.html is missing; run \`npm run build\` first`);
  }
  return dir;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidInputError(`--port ${text}: expected a port number 0-65535 (0 picks a free one)`);
  return port;
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM); `dispose` stops listening. */
function untilSignalled(): { stopped: Promise<NodeJS.Signals>; dispose(): void } {
  let on: (signal: NodeJS.Signals) => void = () => undefined;
  const dispose = (): void => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    on = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { stopped, dispose };
}

/**
 * `goroscope serve`: the UI in a browser. Prints one line `goroscope serve: <url with token>` on stdout
 * once listening; Ctrl-C or SIGTERM ends recordings cleanly, closes the history and exits 0.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the Goroscope UI to a browser on this machine (loopback, token in the printed URL)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--db <file>', 'history database (default: $GOROSCOPE_DB, else the app-data folder)')
    .option('--config <file>', `ignore rules and settings for suspects and reports (default: ${PROJECT_FILE} in the working folder, if any)`)
    .option('--allow-remote', 'allow --host beyond loopback (other machines can connect with the token)')
    .option('--source <dir>', 'a local checkout of the service (repeatable): the group view shows its code', collectDirs, [])
    .addOption(maxBytesOption('imported dump'))
    .action(async (options: ServeOptions) => {
      const dir = rendererDir();
      const port = portOf(options.port);
      // Read once, at startup: a bad file stops serve here (exit 2, the field named), not at the first report.
      const config = loadProjectConfig(options.config);
      // Imports are parsed in a worker thread (built beside this file): a large one never stalls the
      // other clients or the recordings this server runs.
      const intake = workerIntake(new URL('./parse-worker.js', import.meta.url), options.maxBytes);
      intake.warmUp();
      // The timeline's read of a long session, run once on made-up data before anyone opens one.
      const warmUp = scheduleColumnsWarmUp((error) => process.stderr.write(`goroscope serve: timeline warm-up failed (a bug; serving on): ${String(error)}\n`));
      const opened = openApi(resolveDbPath(options.db), '0.1.0', {
        config,
        isSshAllowed: options.allowRemote !== true,
        sourceRoots: options.source,
        // Opening an editor and changing source settings act on this machine: only for a loopback-bound serve.
        isLocalUser: isLoopbackHost(options.host),
        intake,
      });
      // Listen for Ctrl-C / SIGTERM before printing the URL: a caller may stop us as soon as it reads it.
      const signalled = untilSignalled();
      try {
        const server = await startHttpServer({ api: opened.api, rendererDir: dir, host: options.host, port, allowRemote: options.allowRemote === true });
        if (!isLoopbackHost(options.host)) {
          process.stderr.write(
            `goroscope serve: WARNING: listening on ${options.host}, beyond loopback: anyone who can reach this port and has the token can read the history and record; ` +
              'the token and everything else travel unencrypted (plain HTTP)\n',
          );
        }
        process.stdout.write(`goroscope serve: ${server.url}\n`);
        const roots = [...options.source, ...config.sourceRoots];
        process.stderr.write(
          `history: ${opened.store.path}\nignore rules: ${config.fileName ?? 'built-in only'}\nsource roots: ${roots.length > 0 ? roots.join(', ') : 'none (--source DIR)'}\nCtrl-C to stop\n`,
        );
        await signalled.stopped;
        await server.close();
      } finally {
        signalled.dispose();
        warmUp.dispose();
        await opened.close();
        intake.dispose();
      }
    });
}
