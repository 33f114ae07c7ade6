import { bearer, signInAsAdmin } from '../support/admin';
import { persona, startTestApp, TestApp, wxLogin } from '../support/test-app';

/** The ip the login history recorded for a login sent with a forged X-Forwarded-For. */
async function recordedIp(t: TestApp): Promise<string> {
  const admin = await signInAsAdmin(t);
  const code = await wxLogin(t, persona('ip'));
  const login = await t.http.post('/auth/wechat/miniprogram/login').set('x-forwarded-for', '203.0.113.9').send({ code }).expect(200);
  const detail = await t.http.get(`/admin/api/users/${login.body.user.id}`).set(bearer(admin.accessToken)).expect(200);
  expect(detail.body.sessions[0].ip).toBe(detail.body.loginEvents[0].ip);
  return detail.body.loginEvents[0].ip as string;
}

describe('the client ip of logins and admin actions', () => {
  it('ignores X-Forwarded-For by default: anyone can send it', async () => {
    const t = await startTestApp();
    try {
      expect(await recordedIp(t)).toMatch(/127\.0\.0\.1$/);
    } finally {
      await t.close();
    }
  });

  it('takes it from a proxy that TRUST_PROXY names', async () => {
    const t = await startTestApp({ TRUST_PROXY: 'loopback' });
    try {
      expect(await recordedIp(t)).toBe('203.0.113.9');
    } finally {
      await t.close();
    }
  });
});
