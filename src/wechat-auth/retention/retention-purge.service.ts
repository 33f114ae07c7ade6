import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { RetentionRepository } from './retention.repository';

export interface PurgeReport {
  sessions: number;
  loginEvents: number;
  ms: number;
}

/**
 * Keeps sessions and login history bounded: deletes sessions some days after
 * they ended or expired (until then a returning rotated token is still
 * recognised as reuse) and login events past their retention. Runs on a
 * timer on every instance, but only one instance purges at a time.
 */
@Injectable()
export class RetentionPurge implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: WechatAuthConfig,
    private readonly retention: RetentionRepository,
  ) {}

  onModuleInit(): void {
    const everyMs = this.config.retention.purgeIntervalSeconds * 1000;
    if (everyMs > 0) this.timer = setInterval(() => void this.runOnce().catch((error: Error) => this.logger.error(`Purge failed: ${error.message}`)), everyMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One purge to the end, in batches; null when another instance was purging. */
  async runOnce(): Promise<PurgeReport | null> {
    const { endedSessionsGraceDays, loginEventsDays, purgeBatchSize } = this.config.retention;
    const started = Date.now();
    const report = await this.retention.whileHoldingPurgeLock(async (runner) => ({
      sessions: await this.inBatches(purgeBatchSize, () => this.retention.deleteEndedSessions(runner, endedSessionsGraceDays, purgeBatchSize)),
      loginEvents: await this.inBatches(purgeBatchSize, () => this.retention.deleteLoginEventsOlderThan(runner, loginEventsDays, purgeBatchSize)),
    }));
    if (!report) {
      this.logger.log('Purge skipped: another instance is purging');
      return null;
    }
    const done = { ...report, ms: Date.now() - started };
    this.logger.log(`Purged ${done.sessions} ended sessions and ${done.loginEvents} login events in ${done.ms} ms`);
    return done;
  }

  /**
   * Deletes batch after batch until one comes back short. Between batches
   * the purge rests as long as the last batch took: it never takes more than
   * half of a database core and of its log writes, so the commits of logins
   * running meanwhile do not queue behind a run of deletions.
   */
  private async inBatches(batchSize: number, deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const started = Date.now();
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < batchSize) return total;
      await sleep(Date.now() - started);
    }
  }
}
