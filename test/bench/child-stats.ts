import { readFileSync } from 'node:fs';

export interface ChildStats {
  cpuMicros: number;
  peakRssBytes: number;
}

/** Peak resident memory of this process so far (Linux VmHWM), or current RSS where /proc is missing. */
function peakRssBytes(): number {
  try {
    const kilobytes = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kilobytes) return Number(kilobytes) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

/**
 * A benchmark child tells its parent its URL once it listens, then answers
 * every message with its CPU time and peak memory so far: CPU time is what
 * the machine's noise does not distort.
 */
export function reportToParent(url: string, stop: () => Promise<void>): void {
  process.send!({ url });
  process.on('message', () => {
    const cpu = process.cpuUsage();
    process.send!({ cpuMicros: cpu.user + cpu.system, peakRssBytes: peakRssBytes() } satisfies ChildStats);
  });
  process.on('disconnect', () => void stop().then(() => process.exit(0)));
}
