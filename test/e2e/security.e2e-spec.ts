import { bearer, signInAsAdmin } from '../support/admin';
import { loginAs, persona, startTestApp, TestApp, wxLogin } from '../support/test-app';

/** Smaller holes an attacker found, each closed. */
describe('security details', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Behind a trusted proxy, so a test can speak from two client addresses.
    t = await startTestApp({ TRUST_PROXY: 'loopback' });
  });
  afterAll(() => t.close());

  it('serves a copy of a code only to the address the code first came from', async () => {
    const code = await wxLogin(t, persona('copied'));
    const from = (ip: string) => t.http.post('/auth/wechat/miniprogram/login').set('x-forwarded-for', ip).send({ code });
    // The copy races the first request; the other address comes once the code is claimed, since
    // whichever address reaches the server first owns the code.
    const [first, copy] = await Promise.all([from('203.0.113.5'), from('203.0.113.5')]);
    const stolen = await from('198.51.100.7');
    expect([first.status, copy.status]).toEqual([200, 200]);
    expect(copy.body.user.id).toBe(first.body.user.id);
    expect(stolen.status).toBe(409);
    expect(stolen.body.error).toBe('wechat_code_used');
  });

  it('lets no cache keep /auth/me or an admin’s view of a user', async () => {
    const pair = await loginAs(t, persona('private'));
    const me = await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
    const admin = await signInAsAdmin(t);
    const detail = await t.http.get(`/admin/api/users/${pair.user.id}`).set(bearer(admin.accessToken)).expect(200);
    expect(detail.headers['cache-control']).toBe('no-store');
  });
});
