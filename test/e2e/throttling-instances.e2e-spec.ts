import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../src/app/config/app-config';
import { dataSourceOptions } from '../../src/app/database/data-source-options';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';
import { postJson } from '../support/http';
import { AppProcess, spawnApp } from '../support/processes';
import { MINIPROGRAM, persona, unknownCode } from '../support/test-app';

const INSTANCES = 3;
const LOGIN = '/auth/wechat/miniprogram/login';
const JSCODE2SESSION = '/sns/jscode2session';

/** Three app processes with the default limits on one PostgreSQL and one WeChat (the sandbox on its own port). */
describe('failure throttling across three instances', () => {
  let sandbox: { app: INestApplication; url: string };
  let apps: AppProcess[] = [];
  let db: DataSource;

  const wechatCalls = async () => ((await (await fetch(`${sandbox.url}/calls`)).json()) as Record<string, number>)[JSCODE2SESSION] ?? 0;
  const login = (instance: number, code: string, address: string) => postJson(`${apps[instance % INSTANCES].url}${LOGIN}`, { code }, { 'x-forwarded-for': address });
  const freshCode = async () => (await postJson(`${sandbox.url}/wx.login`, { appid: MINIPROGRAM.appid, user: persona('spread') })).body.code as string;

  beforeAll(async () => {
    sandbox = await startStandaloneSandbox(loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), 0);
    const env = {
      WECHAT_API_BASE_URL: sandbox.url,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      THROTTLE_PER_IP_PER_MINUTE: '0',
      THROTTLE_FAILURES_PER_IP_PER_MINUTE: '30',
      THROTTLE_PER_CREDENTIAL_PER_MINUTE: '30',
    };
    apps = await Promise.all(Array.from({ length: INSTANCES }, () => spawnApp(env, 90_000)));
    db = await new DataSource(dataSourceOptions(process.env.DATABASE_URL!)).initialize();
    await db.query('DELETE FROM rate_limits');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await db?.destroy();
    await sandbox?.app.close();
  });

  it('200 rejected codes spread over the instances: at most 40 reach WeChat; another address and many people behind one still sign in', async () => {
    const before = await wechatCalls();
    const statuses: number[] = [];
    for (let i = 0; i < 200; i += 6) {
      const wave = Array.from({ length: Math.min(6, 200 - i) }, (_, j) => login(i + j, unknownCode(), '203.0.113.50'));
      statuses.push(...(await Promise.all(wave)).map((answer) => answer.status));
    }
    expect(await wechatCalls()).toBeLessThanOrEqual(before + 40);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(150);

    for (let i = 0; i < INSTANCES; i++) expect((await login(i, await freshCode(), '203.0.113.50')).status).toBe(429);
    const shared = await Promise.all(Array.from({ length: 60 }, async (_, i) => (await login(i, await freshCode(), '203.0.113.51')).status));
    expect(shared).toEqual(Array(60).fill(200));
  }, 120_000);
});
