import { main } from './program.js';

// Entry of the `goroscope` command (bin/goroscope.js imports the built copy of this file).
process.exitCode = await main(process.argv.slice(2));
