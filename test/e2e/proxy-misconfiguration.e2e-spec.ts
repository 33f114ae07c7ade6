import { AppProcess, spawnApp } from '../support/processes';

const WARNING = /X-Forwarded-For, but TRUST_PROXY is off/g;

async function viaProxy(app: AppProcess, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await fetch(`${app.url}/health`, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
}

describe('a proxy in front of the service while TRUST_PROXY is off', () => {
  let apps: AppProcess[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.stop())));

  it('is warned about once, naming the setting, and the start-up log says where addresses come from', async () => {
    const app = await spawnApp({ TRUST_PROXY: undefined });
    apps.push(app);
    expect(app.output()).toContain('Client addresses come from the connection (TRUST_PROXY is off');
    await fetch(`${app.url}/health`);
    expect(app.output()).not.toMatch(WARNING);
    await viaProxy(app, 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.output().match(WARNING)).toHaveLength(1);
  });

  it('is not warned about once TRUST_PROXY names the proxy', async () => {
    const app = await spawnApp({ TRUST_PROXY: 'loopback' });
    apps.push(app);
    expect(app.output()).toContain(
      'Client addresses come from X-Forwarded-For as set by trusted proxies (TRUST_PROXY=loopback): the right-most address that is not one of these proxies',
    );
    await viaProxy(app, 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.output()).not.toMatch(WARNING);
  });
});
