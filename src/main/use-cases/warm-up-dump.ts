/**
 * A generated debug=2 dump to parse once when `serve` or the app starts (`workerIntake.warmUp`): the
 * parse worker's first real import otherwise runs its hot loops cold (a 56 MB dump parsed in about
 * twice the time a warm parser takes). A few shapes of goroutine, as Go prints them (a state with a
 * wait, frames with arguments and offsets, `created by … in goroutine N`, a label-free header), so the
 * header, frame and grouping paths are each run some thousand times. Small (about 1 MB).
 */
export function warmUpDump(goroutines = 4000): Uint8Array {
  const states = ['chan send, 3 minutes', 'select', 'IO wait', 'semacquire, 12 minutes', 'running'];
  const parts: string[] = [];
  for (let id = 1; id <= goroutines; id++) {
    const shape = id % states.length;
    parts.push(
      `goroutine ${id} [${states[shape]}]:\n` +
        `main.worker${shape}(0xc000${(id * 16).toString(16).padStart(6, '0')}, 0x${shape + 1})\n` +
        `\t/home/user/app/worker.go:${40 + shape} +0x${(0x2a + shape).toString(16)}\n` +
        `main.(*pool).run(0xc0000a4000)\n` +
        `\t/home/user/app/pool.go:88 +0x65\n` +
        `created by main.start in goroutine 1\n` +
        `\t/home/user/app/main.go:${20 + shape} +0x${(0x45 + shape).toString(16)}\n\n`,
    );
  }
  return new TextEncoder().encode(parts.join(''));
}
