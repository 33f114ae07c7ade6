import { postJson } from '../support/http';
import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../src/app/config/app-config';
import { dataSourceOptions } from '../../src/app/database/data-source-options';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';
import { ageAppToken, invalidateAppToken, PHONE, STABLE_TOKEN } from '../support/miniprogram-data';
import { AppProcess, spawnApp } from '../support/processes';
import { HTTP_PLATFORM, MINIPROGRAM, persona } from '../support/test-app';

const INSTANCES = 3;
const REQUESTS = 300;
const USERS = 10;

/**
 * Three separate app processes on one PostgreSQL, one WeChat (the sandbox on
 * its own port): however the requests spread, they share one app access_token
 * and never make WeChat issue a second one.
 */
describe('phone numbers from three instances sharing one app access_token', () => {
  let sandbox: { app: INestApplication; url: string };
  let apps: AppProcess[] = [];
  let db: DataSource;
  let accessTokens: string[];
  const users = Array.from({ length: USERS }, () => persona('phone'));

  const stableTokenCalls = async () => ((await (await fetch(`${sandbox.url}/calls`)).json()) as Record<string, number>)[STABLE_TOKEN] ?? 0;

  beforeAll(async () => {
    sandbox = await startStandaloneSandbox(loadAppConfig({ NODE_ENV: 'test', HTTP_PLATFORM, LOG_LEVEL: 'silent' }), 0);
    const env = { WECHAT_API_BASE_URL: sandbox.url, LOG_LEVEL: 'warn', DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    apps = await Promise.all(Array.from({ length: INSTANCES }, () => spawnApp(env, 90_000)));
    db = await new DataSource(dataSourceOptions(process.env.DATABASE_URL!)).initialize();
    await db.query('DELETE FROM wechat_app_tokens WHERE appid = $1', [MINIPROGRAM.appid]);
    accessTokens = await Promise.all(
      users.map(async (user, i) => {
        const { body } = await postJson(`${sandbox.url}/wx.login`, { appid: MINIPROGRAM.appid, user });
        const login = await postJson(`${apps[i % INSTANCES].url}/auth/wechat/miniprogram/login`, { code: body.code });
        expect(login.status).toBe(200);
        return login.body.accessToken as string;
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await db?.destroy();
    await sandbox?.app.close();
  });

  /** REQUESTS phone bindings at once, spread over the instances and users; the statuses they got. */
  async function burst(): Promise<number[]> {
    const codes = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => (await postJson(`${sandbox.url}/phone-code`, { appid: MINIPROGRAM.appid, user: users[i % USERS] })).body.code as string),
    );
    const responses = await Promise.all(
      codes.map((code, i) => postJson(`${apps[i % INSTANCES].url}${PHONE}`, { code }, { authorization: `Bearer ${accessTokens[i % USERS]}` })),
    );
    const failures = responses.filter((response) => response.status !== 200);
    if (failures.length > 0) console.error(`first failure: ${JSON.stringify(failures[0])}`);
    return responses.map((response) => response.status);
  }

  it('warms up with a single stable_token call', async () => {
    const before = await stableTokenCalls();
    expect(await burst()).toEqual(Array(REQUESTS).fill(200));
    expect((await stableTokenCalls()) - before).toBe(1);
  }, 120_000);

  it('renews a cached token near its end with exactly one stable_token call, every request succeeding', async () => {
    await ageAppToken(sandbox.url, db, 60);
    const before = await stableTokenCalls();
    expect(await burst()).toEqual(Array(REQUESTS).fill(200));
    expect((await stableTokenCalls()) - before).toBe(1);
  }, 120_000);

  it('recovers from a token WeChat invalidated (40001) with one refresh, every request succeeding', async () => {
    await invalidateAppToken(sandbox.url);
    const before = await stableTokenCalls();
    expect(await burst()).toEqual(Array(REQUESTS).fill(200));
    expect((await stableTokenCalls()) - before).toBe(1);
  }, 120_000);
});
