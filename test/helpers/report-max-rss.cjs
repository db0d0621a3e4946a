// Preloaded (`node --require`) into a CLI run by the hostile-input tests: on exit, writes the process's
// peak resident memory in KiB to file descriptor 3, so a test can assert the memory bound.
const { writeSync } = require('node:fs');
process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch {
    // fd 3 is not open: run outside the tests, nothing to report to.
  }
});
