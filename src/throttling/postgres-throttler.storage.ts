import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const PURGE_EVERY_MS = 60_000;

/**
 * Throttling counters in PostgreSQL, so every instance counts against the
 * same limit: fixed windows, one atomic upsert per throttled request.
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly purgeTimer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO rate_limits AS r (key, hits, window_ends_at)
       VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_ends_at <= now() THEN 1 ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE r.window_ends_at END
       RETURNING hits, GREATEST(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS seconds_left`,
      [key, ttlMs / 1000],
    )) as Array<{ hits: number; seconds_left: number }>;
    const isBlocked = row.hits > limit;
    return { totalHits: row.hits, timeToExpire: row.seconds_left, isBlocked, timeToBlockExpire: isBlocked ? row.seconds_left : 0 };
  }

  private async purge(): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limits WHERE window_ends_at < now()').catch(() => undefined);
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
