import { loginAs, persona, startTestApp, TestApp, unknownCode, wxLogin } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';

describe('operations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports the database up at /health', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', db: 'up', wechat: 'up' });
  });

  it('serves the OpenAPI document, the example module included, and the docs page', async () => {
    const document = await t.http.get('/docs-json').expect(200);
    const paths = Object.keys(document.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining(['/auth/wechat/miniprogram/login', '/auth/refresh', '/auth/logout', '/auth/me', '/greetings', '/greetings/public', '/health']),
    );
    expect(document.body.paths['/greetings'].get.security).toEqual([{ bearer: [] }]);
    const page = await t.http.get('/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger');
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const response = await t.http.get('/no/such/route').set('authorization', 'Bearer x').expect(404);
    expect(response.body).toEqual({ statusCode: 404, error: 'not_found', message: expect.any(String) });
  });
});

describe('operations when the database goes away', () => {
  let t: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = TcpProxy.forDatabaseUrl(process.env.DATABASE_URL!);
    await proxy.start();
    t = await startTestApp({ DATABASE_URL: proxy.rewrite(process.env.DATABASE_URL!) });
  });
  afterAll(async () => {
    await proxy.cut();
    await t.close();
  });

  it('reports the database down, answers logins with service_unavailable, keeps verifying tokens, and recovers by itself', async () => {
    const signedIn = await loginAs(t);
    const code = await wxLogin(t, persona());
    await proxy.cut();

    await t.http.get('/greetings').set('authorization', `Bearer ${signedIn.accessToken}`).expect(200);

    const health = await t.http.get('/health').expect(503);
    expect(health.body).toEqual({ status: 'error', db: 'down', wechat: 'up' });
    const login = await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(503);
    expect(login.body).toEqual({ statusCode: 503, error: 'service_unavailable', message: expect.any(String) });

    await proxy.start();
    await t.http.get('/health').expect(200);
    const fresh = await wxLogin(t, persona());
    await t.http.post('/auth/wechat/miniprogram/login').send({ code: fresh }).expect(200);
  });
});

describe('operations when WeChat cannot be reached', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A port nothing listens on: every connection to "WeChat" is refused.
    t = await startTestApp({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9/sandbox', WECHAT_MAX_RETRIES: '1' });
  });
  afterAll(() => t.close());

  it('reports WeChat down without failing the health check, and answers logins wechat_unavailable', async () => {
    const health = await t.http.get('/health').expect(200);
    expect(health.body).toEqual({ status: 'ok', db: 'up', wechat: 'down' });
    const login = await t.http.post('/auth/wechat/miniprogram/login').send({ code: unknownCode() }).expect(503);
    expect(login.body.error).toBe('wechat_unavailable');
  });
});
