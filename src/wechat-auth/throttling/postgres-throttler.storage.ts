import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { Statement, StatementRunner } from '../core/statements';

const PURGE_EVERY_MS = 60_000;

const PURGE_EXPIRED = new Statement('DELETE FROM rate_limits WHERE window_ends_at < now()');

const COUNT_HITS = new Statement(
  `INSERT INTO rate_limits AS r (key, hits, window_ends_at)
   SELECT key, hits, now() + make_interval(secs => ttl) FROM unnest($1::text[], $2::int[], $3::float8[]) AS batch(key, hits, ttl)
   ON CONFLICT (key) DO UPDATE SET
     hits = CASE WHEN r.window_ends_at <= now() THEN EXCLUDED.hits ELSE r.hits + EXCLUDED.hits END,
     window_ends_at = CASE WHEN r.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE r.window_ends_at END
   RETURNING key, hits, GREATEST(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS seconds_left`,
);

interface PendingHit {
  key: string;
  ttlMs: number;
  limit: number;
  resolve(record: ThrottlerStorageRecord): void;
  reject(error: unknown): void;
}

/**
 * Throttling counters in PostgreSQL, so every instance counts against the
 * same limit (fixed windows). Hits arriving in the same turn of the event
 * loop are counted with one statement: under load, one round trip serves
 * many requests instead of one each.
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly purgeTimer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
  private pending: PendingHit[] = [];

  constructor(private readonly sql: StatementRunner) {}

  increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ key, ttlMs, limit, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const hits = this.pending;
    this.pending = [];
    // One row per key (a statement may not update a row twice), carrying how many hits it got.
    const byKey = new Map<string, PendingHit[]>();
    for (const hit of hits) byKey.set(hit.key, [...(byKey.get(hit.key) ?? []), hit]);
    const keys = [...byKey.keys()];
    try {
      const rows = await this.sql.rows<{ key: string; hits: number; seconds_left: number }>(COUNT_HITS, [
        keys,
        keys.map((key) => byKey.get(key)!.length),
        keys.map((key) => byKey.get(key)![0].ttlMs / 1000),
      ]);
      for (const row of rows) {
        const batch = byKey.get(row.key)!;
        // The batch's hits were the last ones counted: number them up to the total.
        batch.forEach((hit, index) => {
          const totalHits = row.hits - batch.length + index + 1;
          const isBlocked = totalHits > hit.limit;
          hit.resolve({ totalHits, timeToExpire: row.seconds_left, isBlocked, timeToBlockExpire: isBlocked ? row.seconds_left : 0 });
        });
      }
    } catch (error) {
      for (const hit of hits) hit.reject(error);
    }
  }

  private async purge(): Promise<void> {
    await this.sql.run(PURGE_EXPIRED, []).catch(() => undefined);
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
