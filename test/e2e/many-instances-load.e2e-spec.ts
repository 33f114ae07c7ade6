import { HTTP_PLATFORM } from '../support/test-app';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { loadAppConfig } from '../../src/app/config/app-config';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';
import { freePort } from '../support/global-setup';
import type { LoadReport } from '../support/load/mixed-load';
import { AppProcess, spawnApp } from '../support/processes';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);

/** Three instances behind no balancer but the load generator's round-robin, one PostgreSQL, one sandbox. */
describe('many instances under a mixed load', () => {
  let sandbox: { app: INestApplication; url: string };
  let instances: AppProcess[] = [];

  beforeAll(async () => {
    // WeChat's authorize page sends the browser back only to the domain the apps registered.
    sandbox = await startStandaloneSandbox(loadAppConfig({ NODE_ENV: 'test', HTTP_PLATFORM, LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://127.0.0.1' }), 0);
    const ports = await Promise.all([1, 2, 3].map(() => freePort()));
    instances = await Promise.all(
      ports.map((port) =>
        spawnApp({
          PORT: String(port),
          PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
          WECHAT_API_BASE_URL: sandbox.url,
          WECHAT_OPEN_BASE_URL: sandbox.url,
          LOG_LEVEL: 'warn',
        }),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await sandbox.app.close();
  });

  it(`runs ${SECONDS} s of logins on all three app types, refreshes, guarded calls and logouts with no 5xx and no duplicate user`, async () => {
    const script = join(__dirname, '..', 'support', 'load', 'mixed-load.ts');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', script, sandbox.url, String(SECONDS), '12', ...instances.map((instance) => instance.url)],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } },
    );
    const report = JSON.parse(stdout) as LoadReport;

    expect(report.serverErrors).toEqual([]);
    expect(report.failedLogins).toEqual([]);
    expect(report.personasWithTwoUsers).toEqual([]);
    expect(report.inconsistentRefreshes).toEqual([]);
    expect(report.requests).toBeGreaterThan(SECONDS * 20);
    expect(report.refreshes).toBeGreaterThan(0);
    expect(report.logouts).toBeGreaterThan(0);
    expect(Object.keys(report.byStatus).filter((status) => !['200', '204', '302'].includes(status))).toEqual([]);
    expect(report.byStatus['302']).toBeGreaterThan(0);

    // The database agrees: one user per persona, exactly the users the load saw.
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const userIds = [...new Set(Object.values(report.personas))];
      const { rows } = await db.query('SELECT count(*)::int AS users FROM users WHERE id = ANY($1::uuid[])', [userIds]);
      expect(rows[0].users).toBe(Object.keys(report.personas).length);
    } finally {
      await db.end();
    }
  }, (SECONDS + 60) * 1000);
});
