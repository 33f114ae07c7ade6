import { postJson } from '../support/http';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { spawnApp } from '../support/processes';
import { TEST_JWT_SECRET, unknownCode } from '../support/test-app';

const MINIPROGRAM = DEMO_APPS.find((app) => app.type === 'miniprogram')!;

/** What operators read: structured JSON lines, one request id each, no secret in any of them. */
describe('logs', () => {
  it('are JSON lines with request ids, and never hold a token, a code, a session_key or a secret', async () => {
    const app = await spawnApp({ LOG_LEVEL: 'info' });
    let secrets: string[];
    try {
      const { code } = (await postJson(`${app.url}/sandbox/wx.login`, { appid: MINIPROGRAM.appid, user: 'logged' })).body;
      const { body: pair } = await postJson(`${app.url}/auth/wechat/miniprogram/login`, { code });
      await fetch(`${app.url}/greetings`, { headers: { authorization: `Bearer ${pair.accessToken}`, 'x-request-id': 'trace-me-42' } });
      await postJson(`${app.url}/auth/refresh`, { refreshToken: pair.refreshToken });
      await postJson(`${app.url}/auth/wechat/miniprogram/login`, { code: unknownCode() });
      secrets = [pair.accessToken, pair.refreshToken, code, MINIPROGRAM.secret, TEST_JWT_SECRET];
    } finally {
      await app.stop();
    }

    const lines = app.output().split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line) as { req?: { id?: string; url?: string; headers?: Record<string, string> }; msg?: string });
    const requests = entries.filter((entry) => entry.req);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    expect(requests.every((entry) => typeof entry.req!.id === 'string' && entry.req!.id.length > 0)).toBe(true);
    expect(requests.some((entry) => entry.req!.id === 'trace-me-42')).toBe(true);
    expect(requests.some((entry) => entry.req!.headers?.authorization === '[REDACTED]')).toBe(true);
    expect(requests.some((entry) => entry.req!.url?.includes('js_code=%5BREDACTED%5D'))).toBe(true);
    for (const secret of secrets) expect(app.output()).not.toContain(secret);
    expect(app.output()).not.toMatch(/session_key["=:]\s*"?[A-Za-z0-9+/]{20}/);
  });
});
