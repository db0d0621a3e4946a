#!/usr/bin/env node
// The `goroscope` command: the compiled CLI under plain Node (built by `npm install`/`npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('goroscope: not built yet: run `npm run build` in the Goroscope folder\n');
  process.exit(2);
}
await import(cli);
