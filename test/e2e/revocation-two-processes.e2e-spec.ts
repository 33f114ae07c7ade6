import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { loadAppConfig } from '../../src/app/config/app-config';
import { HTTP_PLATFORM, MINIPROGRAM } from '../support/test-app';
import { AppProcess, spawnApp } from '../support/processes';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';

const ROOT = join(__dirname, '..', '..');

interface Pair {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

/** Each test reads the fields of the answer it expects. */
type Json = any;

async function call(method: string, url: string, options: { body?: object; token?: string } = {}): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (options.body) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, { method, headers, body: options.body ? JSON.stringify(options.body) : undefined });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** `npm run admin -- <args>` against the test database, as an operator would run it. */
async function adminCli(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'app', 'admin-cli.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: process.env.DATABASE_URL },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/**
 * Polls `url` with `token` until it is refused, for at most a second after
 * `since`: the promise of "refused on every instance at once".
 */
async function refusedWithinASecond(url: string, token: string, since: number): Promise<{ status: number; error: string; afterMs: number }> {
  for (;;) {
    const response = await call('GET', `${url}/greetings`, { token });
    const afterMs = Date.now() - since;
    if (response.status !== 200 || afterMs > 1000) return { status: response.status, error: response.body?.error, afterMs };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('revocation across two app processes on one database', () => {
  let sandbox: { app: INestApplication; url: string };
  let one: AppProcess;
  let two: AppProcess;
  let admin: Pair;

  const login = async (app: AppProcess, user: string): Promise<Pair> => {
    const code = await call('POST', `${sandbox.url}/wx.login`, { body: { appid: MINIPROGRAM.appid, user } });
    const pair = await call('POST', `${app.url}/auth/wechat/miniprogram/login`, { body: { code: code.body.code } });
    expect(pair.status).toBe(200);
    return pair.body as Pair;
  };

  beforeAll(async () => {
    sandbox = await startStandaloneSandbox(loadAppConfig({ NODE_ENV: 'test', HTTP_PLATFORM, LOG_LEVEL: 'silent' }), 0);
    const env = { WECHAT_API_BASE_URL: sandbox.url, LOG_LEVEL: 'warn' };
    [one, two] = await Promise.all([spawnApp(env, 60_000), spawnApp(env, 60_000)]);

    const first = await login(one, `two-processes-admin-${Date.now()}`);
    const granted = await adminCli('grant', first.user.id);
    expect(granted).toEqual({ code: 0, output: expect.stringContaining(`Granted admin to ${first.user.id}`) });
    admin = (await call('POST', `${one.url}/auth/refresh`, { body: { refreshToken: first.refreshToken } })).body as Pair;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await sandbox?.app.close();
  });

  it('disable on one: the user\'s next request on the other is refused within a second', async () => {
    const persona = `two-processes-target-${Date.now()}`;
    const target = await login(two, persona);
    expect((await call('GET', `${two.url}/greetings`, { token: target.accessToken })).status).toBe(200);

    const disabled = await call('POST', `${one.url}/admin/api/users/${target.user.id}/disable`, { token: admin.accessToken });
    expect(disabled.status).toBe(200);
    const refused = await refusedWithinASecond(two.url, target.accessToken, Date.now());
    expect(refused).toMatchObject({ status: 403, error: 'user_disabled' });
    expect(refused.afterMs).toBeLessThanOrEqual(1000);

    const refresh = await call('POST', `${two.url}/auth/refresh`, { body: { refreshToken: target.refreshToken } });
    expect(refresh.body.error).toBe('user_disabled');

    // Enabled on the other instance: a fresh login is accepted by both.
    expect((await call('POST', `${two.url}/admin/api/users/${target.user.id}/enable`, { token: admin.accessToken })).status).toBe(200);
    const again = await login(one, persona);
    expect(again.user.id).toBe(target.user.id);
    for (const app of [one, two]) expect((await call('GET', `${app.url}/greetings`, { token: again.accessToken })).status).toBe(200);
  });

  it('ending sessions on one is felt on the other within a second', async () => {
    const target = await login(one, `two-processes-sessions-${Date.now()}`);
    const ended = await call('POST', `${two.url}/admin/api/users/${target.user.id}/revoke-sessions`, { token: admin.accessToken });
    expect(ended.body).toEqual({ revoked: 1 });
    expect(await refusedWithinASecond(one.url, target.accessToken, Date.now())).toMatchObject({ status: 401, error: 'session_revoked' });
  });

  it('revoking the admin role with the CLI ends the admin\'s sessions on both instances at once', async () => {
    const persona = `two-processes-second-admin-${Date.now()}`;
    const second = await login(two, persona);
    expect((await adminCli('grant', second.user.id)).code).toBe(0);
    const token = (await call('POST', `${two.url}/auth/refresh`, { body: { refreshToken: second.refreshToken } })).body.accessToken as string;
    expect((await call('GET', `${one.url}/admin/api/users?pageSize=1`, { token })).status).toBe(200);

    const revoked = await adminCli('revoke', second.user.id);
    expect(revoked).toEqual({ code: 0, output: expect.stringContaining('ended 1 session(s)') });
    const since = Date.now();
    for (const app of [one, two]) expect(await refusedWithinASecond(app.url, token, since)).toMatchObject({ status: 401, error: 'session_revoked' });

    const relogin = await login(one, persona);
    expect((await call('GET', `${one.url}/admin/api/users?pageSize=1`, { token: relogin.accessToken })).body.error).toBe('forbidden');
  });

  it('the CLI explains its usage and refuses an unknown user', async () => {
    expect(await adminCli('promote', admin.user.id)).toEqual({ code: 1, output: expect.stringContaining('Usage: npm run admin -- grant <userId> | revoke <userId>') });
    expect(await adminCli('grant', 'not-a-uuid')).toMatchObject({ code: 1 });
    expect(await adminCli('grant', '00000000-0000-4000-8000-000000000000')).toEqual({ code: 1, output: expect.stringContaining('No user 00000000-0000-4000-8000-000000000000') });
  });
});
