import { postJson } from '../support/http';
import { spawnApp } from '../support/processes';


describe('graceful shutdown', () => {
  it('finishes a login in flight on SIGTERM, then exits 0 and accepts no more requests', async () => {
    const app = await spawnApp();
    const { code } = (await postJson(`${app.url}/sandbox/wx.login`, { appid: 'wxd000000000000001', user: 'shutdown' })).body;
    await postJson(`${app.url}/sandbox/faults`, { path: '/sns/jscode2session', delayMs: 1500 });

    const inFlight = postJson(`${app.url}/auth/wechat/miniprogram/login`, { code });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = app.stop();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.accessToken).toEqual(expect.any(String));
    expect(await exited).toBe(0);
    await expect(fetch(`${app.url}/health`)).rejects.toThrow();
    expect(app.output()).toContain('SIGTERM: finishing requests in flight, then stopping');
  });
});
