import type { SshHop } from '../../shared/contract.js';
import { encryptedKeysOf } from '../use-cases/connect.js';

/**
 * Asks on the terminal, as ssh does, for the passphrase of each encrypted key the route needs (the
 * typing is not echoed; nothing is stored). Without a terminal (a script, CI) nothing is asked, and
 * the key's refusal says to set GOROSCOPE_SSH_PASSPHRASE.
 */
export async function askSshPassphrases(hop: SshHop, env: NodeJS.ProcessEnv = process.env, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  if (input.isTTY !== true) return answers;
  for (const key of encryptedKeysOf(hop, '--ssh', env)) {
    const answer = await readHidden(`Enter passphrase for key '${key}': `, input, output);
    if (answer !== '') answers.set(key, answer);
  }
  return answers;
}

function readHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  output.write(prompt);
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    const done = (error: Error | null): void => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(Object.assign(new Error('passphrase prompt interrupted (Ctrl-C)'), { code: 'ABORT_ERR' }));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
