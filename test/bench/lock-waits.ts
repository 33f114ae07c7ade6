import { Client } from 'pg';

const EVERY_MS = 10;

export interface LockWaits {
  /** Samples in which some backend waited for a lock another held. */
  samples: number;
  /** The longest unbroken wait of one backend, to within a sample; 0 if none was seen. */
  longestMs: number;
}

/**
 * Watches, every 10 ms until `until` settles, which backends of the
 * database wait for a heavyweight lock (a row, a table, a transaction)
 * another holds: whether the work running beside them blocks them, as
 * opposed to only sharing the machine with them. A wait shorter than one
 * sample can go unseen.
 */
export async function watchLockWaits(databaseUrl: string, until: Promise<unknown>): Promise<LockWaits> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let done = false;
  const settle = () => void (done = true);
  until.then(settle, settle);
  // Per waiting backend: when its current wait was first seen.
  const waitingSince = new Map<number, number>();
  let samples = 0;
  let longestMs = 0;
  try {
    while (!done) {
      const sampledAt = performance.now();
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      const waiting = new Set(rows.map((row) => row.pid));
      if (waiting.size > 0) samples++;
      for (const pid of waitingSince.keys()) if (!waiting.has(pid)) waitingSince.delete(pid);
      for (const pid of waiting) {
        if (!waitingSince.has(pid)) waitingSince.set(pid, sampledAt);
        longestMs = Math.max(longestMs, sampledAt - waitingSince.get(pid)! + EVERY_MS);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, EVERY_MS - (performance.now() - sampledAt))));
    }
  } finally {
    await client.end();
  }
  return { samples, longestMs };
}
