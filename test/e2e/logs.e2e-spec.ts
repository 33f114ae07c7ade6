import { postJson } from '../support/http';
import { pkce } from '../support/oauth';
import { RawConnection } from '../support/raw-http';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { spawnApp } from '../support/processes';
import { HTTP_PLATFORM, TEST_JWT_SECRET, unknownCode } from '../support/test-app';

const MINIPROGRAM = DEMO_APPS.find((app) => app.type === 'miniprogram')!;

/** An Official Account login up to the callback's redirect, whose Location carries the one-time ticket in its fragment. */
async function oauthTicket(base: string): Promise<string> {
  const follow = async (url: string) => (await fetch(new URL(url, base), { redirect: 'manual' })).headers.get('location')!;
  const page = new URL((await follow(`/auth/wechat/oauth/demo-official-account/authorize?returnTo=/done&challenge=${pkce().challenge}`)).split('#')[0]);
  page.searchParams.set('user', 'logged-oauth');
  const location = await follow(await follow(page.pathname + page.search));
  const ticket = new URLSearchParams(location.split('#')[1]).get('ticket');
  if (!ticket) throw new Error(`no ticket in ${location}`);
  return ticket;
}

/** What operators read: structured JSON lines, one request id each, no secret in any of them. */
describe('logs', () => {
  it('are JSON lines with request ids, and never hold a token, a code, a session_key or a secret', async () => {
    const app = await spawnApp({ LOG_LEVEL: 'info' });
    let secrets: string[];
    try {
      const { code } = (await postJson(`${app.url}/sandbox/wx.login`, { appid: MINIPROGRAM.appid, user: 'logged' })).body;
      const { body: pair } = await postJson(`${app.url}/auth/wechat/miniprogram/login`, { code });
      await fetch(`${app.url}/greetings`, { headers: { authorization: `Bearer ${pair.accessToken}`, 'x-request-id': 'trace-me-42' } });
      await fetch(`${app.url}/greetings/public`, { headers: { 'x-request-id': 'forged id <script>' } });
      await postJson(`${app.url}/auth/refresh`, { refreshToken: pair.refreshToken });
      await postJson(`${app.url}/auth/wechat/miniprogram/login`, { code: unknownCode() });
      const ticket = await oauthTicket(app.url);
      secrets = [pair.accessToken, pair.refreshToken, code, MINIPROGRAM.secret, TEST_JWT_SECRET, ticket];
    } finally {
      await app.stop();
    }

    const lines = app.output().split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line) as { req?: { id?: string; url?: string; headers?: Record<string, string> }; msg?: string });
    const requests = entries.filter((entry) => entry.req);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    expect(requests.every((entry) => typeof entry.req!.id === 'string' && entry.req!.id.length > 0)).toBe(true);
    expect(requests.some((entry) => entry.req!.id === 'trace-me-42')).toBe(true);
    // A caller's id is taken only in a strict format: anything else gets a fresh one.
    expect(requests.some((entry) => entry.req!.id?.includes('forged'))).toBe(false);
    expect(requests.some((entry) => entry.req!.headers?.authorization === '[REDACTED]')).toBe(true);
    expect(requests.some((entry) => entry.req!.url?.includes('js_code=%5BREDACTED%5D'))).toBe(true);
    // The callback's redirect is logged with its ticket redacted (Fastify writes its headers past the logger: none logged there).
    const locations = entries.map((entry) => (entry as { res?: { headers?: { location?: string } } }).res?.headers?.location).filter((location) => location?.includes('#ticket='));
    expect(locations).toEqual(HTTP_PLATFORM === 'express' ? ['/done#ticket=%5BREDACTED%5D'] : []);
    for (const secret of secrets) expect(app.output()).not.toContain(secret);
    expect(app.output()).not.toMatch(/session_key["=:]\s*"?[A-Za-z0-9+/]{20}/);
  });

  it('tell a client that gave up on its upload, or was cut off by the request timeout, as a client error: a warning without a stack', async () => {
    const app = await spawnApp({ LOG_LEVEL: 'info', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
    const connections: RawConnection[] = [];
    try {
      const { code } = (await postJson(`${app.url}/sandbox/wx.login`, { appid: MINIPROGRAM.appid, user: 'logged-upload' })).body;
      const { accessToken } = (await postJson(`${app.url}/auth/wechat/miniprogram/login`, { code })).body;
      const upload = `POST /auth/me/avatar HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${accessToken}\r\nContent-Type: image/png\r\nContent-Length: 500000\r\n\r\n`;
      const abandoned = await RawConnection.open(app.url);
      connections.push(abandoned);
      abandoned.send(upload);
      abandoned.send(Buffer.alloc(10_000));
      await new Promise((resolve) => setTimeout(resolve, 300));
      abandoned.close();
      // A JSON body given up on is no outage either.
      const json = await RawConnection.open(app.url);
      connections.push(json);
      json.send('POST /auth/refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"refreshToken":');
      await new Promise((resolve) => setTimeout(resolve, 300));
      json.close();
      const stalled = await RawConnection.open(app.url);
      connections.push(stalled);
      stalled.send(upload);
      stalled.send(Buffer.alloc(10_000));
      await stalled.hangUp(20_000);
      const warnings = () => app.output().split('\n').filter((line) => line.includes('request body ended before all of it arrived'));
      for (let waited = 0; warnings().length < 2 && waited < 5_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      // A graceful stop waits for open connections: ours go first.
      connections.forEach((connection) => connection.close());
      await app.stop();
    }

    const entries = app.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg?: string; err?: { stack?: string } });
    const aborted = entries.filter((entry) => entry.msg?.includes('request body ended before all of it arrived'));
    // The two uploads; Express's JSON parser refuses the JSON body given up on itself, without a line.
    expect(aborted).toHaveLength(HTTP_PLATFORM === 'express' ? 2 : 3);
    expect(aborted.every((entry) => entry.level === 40 && !entry.err && !/\n\s+at /.test(entry.msg!))).toBe(true);
    expect(entries.filter((entry) => entry.level >= 50)).toEqual([]);
    // The request's own line says what became of it, not the 200 nobody sent.
    expect(entries.filter((entry) => entry.msg === 'POST /auth/me/avatar aborted by the client')).toHaveLength(2);
    expect(app.output()).not.toContain('service_unavailable');
  });
});
