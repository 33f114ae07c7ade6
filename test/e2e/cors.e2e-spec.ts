import { loginAs, startTestApp, TestApp } from '../support/test-app';

const FRONTEND = 'https://shop.example.com';
const FOREIGN = 'https://evil.example';

/** A frontend on FRONTEND_ORIGINS calls the API from its pages; no other origin may. */
describe('CORS for the configured frontends', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ FRONTEND_ORIGINS: `${FRONTEND},https://admin.example.com` });
  });
  afterAll(() => t.close());

  const preflight = (origin: string, path: string, method: string) =>
    t.http.options(path).set('Origin', origin).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'authorization,content-type');

  it('answers a preflight from an allowed frontend with exactly what it may send', async () => {
    const response = await preflight(FRONTEND, '/auth/refresh', 'POST');
    expect(response.status).toBeLessThan(300);
    expect(response.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(response.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(response.headers['access-control-allow-headers']?.toLowerCase()).toMatch(/authorization.*content-type|content-type.*authorization/);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers.vary).toMatch(/Origin/i);
  });

  it('lets an allowed frontend read the answers of a real request, such as /auth/me', async () => {
    const pair = await loginAs(t);
    const response = await t.http.get('/auth/me').set('Origin', FRONTEND).set('Authorization', `Bearer ${pair.accessToken}`).expect(200);
    expect(response.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(response.headers.vary).toMatch(/Origin/i);
  });

  it('gives a foreign origin no CORS headers, on a preflight or a request', async () => {
    const refused = await preflight(FOREIGN, '/auth/refresh', 'POST');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-methods']).toBeUndefined();
    const pair = await loginAs(t);
    const response = await t.http.get('/auth/me').set('Origin', FOREIGN).set('Authorization', `Bearer ${pair.accessToken}`).expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
