import { JsonAnswer, postJson } from '../support/http';
import { rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { freePort } from '../support/global-setup';
import { spawnApp } from '../support/processes';

/** A Mini Program login of `user` against a running app, with fetch alone. */
async function loginOverHttp(url: string, user: string): Promise<JsonAnswer> {
  const { body } = await postJson(`${url}/sandbox/wx.login`, { appid: 'wxd000000000000001', user });
  return postJson(`${url}/auth/wechat/miniprogram/login`, { code: body.code });
}

const DATA_DIR = `.data/test-start-up-${process.pid}`;

/** `npm start` as a newcomer runs it: no DATABASE_URL, no WeChat app, only a PORT. */
describe('start-up with no configuration', () => {
  afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

  it('runs an embedded PostgreSQL whose data survives a restart, mounts the sandbox and says so', async () => {
    const env = { DATABASE_URL: undefined, JWT_SECRET: undefined, EMBEDDED_POSTGRES_DIR: DATA_DIR, EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    const first = await spawnApp(env, 60_000);
    let userId: string;
    try {
      const login = await loginOverHttp(first.url, 'start-up-persona');
      expect(login.status).toBe(200);
      userId = login.body.user.id;
      expect(first.output()).toContain(`Listening on http://127.0.0.1:${first.port} (this machine only; HOST=0.0.0.0 to listen on every interface)`);
      // The sandbox signs anyone in as anyone: outside production the app is not reachable from another machine.
      const address = Object.values(networkInterfaces())
        .flat()
        .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
      expect(address).toBeDefined();
      await expect(fetch(`http://${address}:${first.port}/health`)).rejects.toThrow();
      await expect(fetch(`${first.url}/health`)).resolves.toMatchObject({ status: 200 });
      expect(first.output()).toMatch(/embedded PostgreSQL .* data kept in /);
      expect(first.output()).toMatch(/WeChat sandbox stands in for WeChat .* demo apps demo-miniprogram/);
      expect(first.output()).not.toMatch(/sandbox0000/);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await spawnApp(env, 60_000);
    try {
      const { body } = await loginOverHttp(second.url, 'start-up-persona');
      expect(body.user).toMatchObject({ id: userId, isNew: false });
    } finally {
      await second.stop();
    }
  });

  it('refuses to start in production without real settings, with one clear line', async () => {
    await expect(spawnApp({ NODE_ENV: 'production', JWT_SECRET: undefined }, 20_000)).rejects.toThrow(
      /app exited with 1:\nInvalid configuration: JWT_SECRET must be set in production; WECHAT_APPS must be set in production/,
    );
  });
});
