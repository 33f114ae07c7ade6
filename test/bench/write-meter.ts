import { Client } from 'pg';

export interface RowWrites {
  /** Rows added. */
  inserted: number;
  /** Existing rows rewritten. */
  updated: number;
}

export interface WriteFigures extends RowWrites {
  /**
   * Row versions written (inserts and updates together) in the unlogged
   * tables whose rows live minutes (code exchanges, throttling counters):
   * they never reach the write-ahead log and never accumulate, so the
   * targets are about the other tables. The app deletes expired ones as it
   * runs, so their row count says nothing about inserts.
   */
  scratchWritten: number;
  walBytes: number;
}

/** Rows now in the given tables, and how many of them were written after transaction `sinceXid`. */
async function countRows(client: Client, tables: string[], sinceXid: string): Promise<{ rows: number; written: number }> {
  if (tables.length === 0) return { rows: 0, written: 0 };
  const total = tables.map((table) => `(SELECT count(*) FROM "${table}")`).join(' + ');
  const written = tables.map((table) => `(SELECT count(*) FROM "${table}" WHERE xmin::text::bigint > $1)`).join(' + ');
  const [counts] = (await client.query<{ rows: string; written: string }>(`SELECT (${total})::text AS rows, (${written})::text AS written`, [sinceXid])).rows;
  return { rows: Number(counts.rows), written: Number(counts.written) };
}

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
      await client.query<{ relname: string; unlogged: boolean }>(
        `SELECT c.relname, c.relpersistence = 'u' AS unlogged FROM pg_class AS c
         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'schema_migrations'`,
      )
    ).rows;
    const logged = tables.filter((table) => !table.unlogged).map((table) => table.relname);
    const unlogged = tables.filter((table) => table.unlogged).map((table) => table.relname);
    const { xid, lsn } = (await client.query<{ xid: string; lsn: string }>(`SELECT (txid_current() % 4294967296)::text AS xid, pg_current_wal_lsn()::text AS lsn`)).rows[0];
    const before = await countRows(client, logged, xid);
    await work();
    const after = await countRows(client, logged, xid);
    const scratch = await countRows(client, unlogged, xid);
    const { wal } = (await client.query<{ wal: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS wal`, [lsn])).rows[0];
    const inserted = after.rows - before.rows;
    return { inserted, updated: after.written - inserted, scratchWritten: scratch.written, walBytes: Number(wal) };
  } finally {
    await client.end();
  }
}

/** "1.00 new rows, 2.00 updated, 1,234 WAL bytes (scratch: 2.00 written)" per operation. */
export function perOperation(figures: WriteFigures, operations: number): string {
  const each = (count: number) => (count / operations).toFixed(2);
  return (
    `${each(figures.inserted)} new rows, ${each(figures.updated)} updated, ${Math.round(figures.walBytes / operations).toLocaleString('en')} WAL bytes` +
    ` (scratch: ${each(figures.scratchWritten)} written)`
  );
}
