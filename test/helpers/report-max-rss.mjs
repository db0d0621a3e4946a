// Preloaded (`node --import`) into a CLI run by the hostile-input tests: on exit, writes the process's
// peak resident memory in KiB to file descriptor 3, so a test can assert the memory bound.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch (error) {
    // fd 3 is not open (run outside the tests): there is no one to report to.
    if (error.code !== 'EBADF') throw error;
  }
});
