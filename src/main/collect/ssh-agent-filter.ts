import { existsSync, readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { IdentityCallback, ParsedKey } from 'ssh2';

// ssh2 is CommonJS: named ESM imports fail on Node 20.
const { OpenSSHAgent, utils } = ssh2;

/**
 * The ssh-agent at `socket` showing only the keys whose public halves are `allowed`: what ssh does with
 * `IdentitiesOnly yes`, where agent keys are used only when they match an IdentityFile.
 */
export class IdentitiesOnlyAgent extends OpenSSHAgent {
  constructor(
    socket: string,
    private readonly allowed: readonly Buffer[],
  ) {
    super(socket);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((error, keys) => {
      if (error) {
        cb(error);
        return;
      }
      // OpenSSHAgent hands back parsed keys; the type also allows {pubKey} entries, which it never makes.
      cb(undefined, (keys ?? []).filter((k): k is ParsedKey => 'getPublicSSH' in k && this.allowed.some((a) => a.equals(k.getPublicSSH()))));
    });
  }
}

/**
 * The public key blobs of IdentityFiles, as ssh finds them to pick agent keys: `<file>.pub`, else the
 * private key itself when it is not encrypted. Files that give neither are left out.
 */
export function publicBlobsOf(paths: readonly string[]): Buffer[] {
  const blobs: Buffer[] = [];
  for (const p of paths) {
    for (const candidate of [`${p}.pub`, p]) {
      if (!existsSync(candidate)) continue;
      let parsed: ReturnType<typeof utils.parseKey>;
      try {
        parsed = utils.parseKey(readFileSync(candidate));
      } catch {
        continue; // unreadable here; loading the key file reports it
      }
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key === undefined || key instanceof Error) continue;
      blobs.push(key.getPublicSSH());
      break;
    }
  }
  return blobs;
}
