import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { InjectWechatAuthDataSource } from '../core/data-source';

// One purge at a time across all instances; a session-level lock, released after the run.
const PURGE_LOCK = 'wechat-auth:retention-purge';

/**
 * The purge's statements, each its own short transaction on one connection:
 * a batch locks only the rows it deletes and skips rows a login holds.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` on a connection holding the purge lock; null when another instance holds it. */
  async whileHoldingPurgeLock<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [PURGE_LOCK])) as Array<{ locked: boolean }>;
      if (!locked) return null;
      try {
        return await work(runner);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [PURGE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Deletes up to `limit` sessions that ended or expired more than `graceDays` ago (legacy refresh token rows go with them). */
  async deleteEndedSessions(runner: QueryRunner, graceDays: number, limit: number): Promise<number> {
    const [, deleted] = (await runner.query(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions
         WHERE revoked_at < now() - make_interval(days => $1) OR expires_at < now() - make_interval(days => $1)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [graceDays, limit],
    )) as [unknown, number];
    return deleted;
  }

  /** Deletes up to `limit` login events older than `days`. */
  async deleteLoginEventsOlderThan(runner: QueryRunner, days: number, limit: number): Promise<number> {
    const [, deleted] = (await runner.query(
      `DELETE FROM login_events WHERE id IN (
         SELECT id FROM login_events WHERE created_at < now() - make_interval(days => $1)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [days, limit],
    )) as [unknown, number];
    return deleted;
  }
}
