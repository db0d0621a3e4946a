import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of this process split into its main thread and every other thread (V8's compiler and GC
 * helpers, libuv's pool where zlib compresses), in ms since the process started. Linux only (reads
 * /proc/self/task/<tid>/schedstat, nanoseconds on the CPU); null elsewhere. process.cpuUsage() gives
 * the sum of both; the split says whether a cost is the tick's own work or work V8 does beside it.
 */
export function threadCpuMs(): { main: number; other: number } | null {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  let main = 0;
  let other = 0;
  for (const tid of tids) {
    let ns: number;
    try {
      ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      continue; // the thread ended between the listing and the read
    }
    if (tid === String(process.pid)) main += ns / 1e6;
    else other += ns / 1e6;
  }
  return { main, other };
}
