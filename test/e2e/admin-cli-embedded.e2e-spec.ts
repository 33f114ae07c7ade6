import { postJson } from '../support/http';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/global-setup';
import { spawnApp } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
const DATA_DIR = `.data/test-admin-cli-${process.pid}`;

/**
 * `npm run admin` with no DATABASE_URL, as a newcomer runs it next to `npm start`:
 * it must use the embedded database whether the app is running or not.
 */
describe('the admin command on the embedded database', () => {
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    env = { DATABASE_URL: undefined, EMBEDDED_POSTGRES_DIR: DATA_DIR, EMBEDDED_POSTGRES_PORT: String(await freePort()) };
  });
  afterAll(() => rmSync(join(ROOT, DATA_DIR), { recursive: true, force: true }));

  const cli = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'app', 'admin-cli.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
    });
    return stdout;
  };

  it('grants while the app runs on it, and revokes after the app has stopped', async () => {
    const app = await spawnApp(env, 60_000);
    let userId: string;
    try {
      const post = async (path: string, body: object) => (await postJson(`${app.url}${path}`, body)).body;
      const { code } = await post('/sandbox/wx.login', { appid: 'wxd000000000000001', user: 'cli-persona' });
      const pair = await post('/auth/wechat/miniprogram/login', { code });
      userId = pair.user.id as string;

      expect(await cli('grant', userId)).toContain(`Granted admin to ${userId}`);
      const refreshed = await post('/auth/refresh', { refreshToken: pair.refreshToken });
      expect(refreshed.user.roles).toEqual(['user', 'admin']);
    } finally {
      expect(await app.stop()).toBe(0);
    }

    expect(await cli('revoke', userId)).toContain(`Revoked admin from ${userId} (roles: user)`);
  });
});
