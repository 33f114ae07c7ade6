import { DataSource } from 'typeorm';
import { LoginStatisticsRepository } from '../../src/wechat-auth/login/statistics/login-statistics.repository';
import { LoginStatisticsService } from '../../src/wechat-auth/login/statistics/login-statistics.service';
import { inScratchDatabase, medianMs } from './scratch-database';

const DAYS_OF_HISTORY = 180;
const SEED_BATCH = 200_000;

/**
 * `events` login events spread over 180 days like a real history: most are
 * Mini Program sign-ins, then the Official Account, the website, failures and
 * the odd merge.
 */
async function seed(dataSource: DataSource, events: number): Promise<void> {
  // In batches: one statement must finish within the app's query timeout.
  for (let first = 1; first <= events; first += SEED_BATCH) {
    await dataSource.query(
      `INSERT INTO login_events (kind, app_key, result, error_code, created_at)
       SELECT CASE WHEN g % 1000 = 0 THEN 'users_merged' WHEN g % 20 < 14 THEN 'miniprogram' WHEN g % 20 < 18 THEN 'official_account' ELSE 'website' END,
              CASE WHEN g % 20 < 14 THEN 'demo-miniprogram' WHEN g % 20 < 18 THEN 'demo-official-account' ELSE 'demo-website' END,
              CASE WHEN g % 25 = 0 THEN 'failure' ELSE 'success' END,
              CASE WHEN g % 25 = 0 THEN (ARRAY['wechat_code_invalid', 'wechat_code_used', 'rate_limited'])[1 + g % 3] END,
              now() - make_interval(secs => (g::double precision / $1) * $2 * 86400)
       FROM generate_series($3::int, $4::int) AS g`,
      [events, DAYS_OF_HISTORY, first, Math.min(events, first + SEED_BATCH - 1)],
    );
  }
  await dataSource.query('VACUUM ANALYZE login_events');
}

/**
 * GET /admin/api/stats?days=30 over a login history of `events` rows: the
 * first request (which counts the month's hours once) and the median of the
 * following ones, in milliseconds. Works in a database of its own, dropped afterwards.
 */
export async function benchSignInStats(databaseUrl: string, events: number): Promise<Record<string, number>> {
  return inScratchDatabase(databaseUrl, 'stats', async (dataSource) => {
    await seed(dataSource, events);
    const statistics = new LoginStatisticsService(new LoginStatisticsRepository(dataSource));
    const started = process.hrtime.bigint();
    await statistics.signIns(30, 'Asia/Shanghai');
    const figures = {
      statsFirstRequestMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      statsMs: await medianMs(() => statistics.signIns(30, 'Asia/Shanghai')),
    };
    console.log(
      `sign-in statistics, 30 days of ${events.toLocaleString('en')} login events over ${DAYS_OF_HISTORY} days: ` +
        `first request ${figures.statsFirstRequestMs} ms (counts the hours once), then median ${figures.statsMs} ms (target < 200 ms)`,
    );
    return figures;
  });
}
