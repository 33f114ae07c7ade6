import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * CPU time so far of every PostgreSQL process on this machine (the embedded
 * server's, or a local DATABASE_URL's), in microseconds; undefined where none
 * can be seen (another machine's server, no /proc). Clock ticks of 10 ms:
 * read it around work that takes seconds.
 */
export function databaseCpuMicros(): number | undefined {
  let ticks = 0;
  let seen = false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (!stat.includes(' (postgres) ')) continue;
    // After "pid (comm) ", utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
    seen = true;
  }
  return seen ? (ticks * 1_000_000) / TICKS_PER_SECOND : undefined;
}
