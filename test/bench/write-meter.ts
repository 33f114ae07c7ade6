import { Client } from 'pg';

export interface WriteFigures {
  /** Rows added. */
  inserted: number;
  /** Existing rows rewritten. */
  updated: number;
  walBytes: number;
}

// Throttling counters: unlogged, overwritten in place, and not what the targets are about.
const LEFT_OUT = ['rate_limits', 'migrations'];

/**
 * What a stretch of work wrote to the database: rows inserted or updated in
 * the module's tables (row versions whose xmin is newer than the start) and
 * the write-ahead log it produced, which counts indexes and page images too.
 * Run it while nothing else writes.
 */
export async function measureWrites(databaseUrl: string, work: () => Promise<unknown>): Promise<WriteFigures> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = (
      await client.query<{ relname: string }>(`SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND NOT (relname = ANY($1))`, [LEFT_OUT])
    ).rows.map((row) => row.relname);
    const total = tables.map((table) => `(SELECT count(*) FROM "${table}")`).join(' + ');
    const start = (
      await client.query<{ xid: string; lsn: string; rows: string }>(
        `SELECT (txid_current() % 4294967296)::text AS xid, pg_current_wal_lsn()::text AS lsn, (${total})::text AS rows`,
      )
    ).rows[0];
    await work();
    const written = tables.map((table) => `(SELECT count(*) FROM "${table}" WHERE xmin::text::bigint > $1)`).join(' + ');
    const end = (
      await client.query<{ rows: string; written: string; wal: string }>(
        `SELECT (${total})::text AS rows, (${written})::text AS written, pg_wal_lsn_diff(pg_current_wal_lsn(), $2)::text AS wal`,
        [start.xid, start.lsn],
      )
    ).rows[0];
    const inserted = Number(end.rows) - Number(start.rows);
    return { inserted, updated: Number(end.written) - inserted, walBytes: Number(end.wal) };
  } finally {
    await client.end();
  }
}

/** "1.00 new rows, 2.00 updated, 1,234 WAL bytes" per operation. */
export function perOperation(figures: WriteFigures, operations: number): string {
  const each = (count: number) => (count / operations).toFixed(2);
  return `${each(figures.inserted)} new rows, ${each(figures.updated)} updated, ${Math.round(figures.walBytes / operations).toLocaleString('en')} WAL bytes`;
}
