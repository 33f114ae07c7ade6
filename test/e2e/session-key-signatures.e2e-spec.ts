import { createHmac } from 'node:crypto';
import { SandboxWorld } from '../../src/sandbox/sandbox-world';
import { SessionKeySignatures } from '../../src/wechat-auth';
import { oauthLogin } from '../support/oauth';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, wxLogin } from '../support/test-app';

/** A host module signs with a user's session_key and checks it at WeChat, never holding the key. */
describe('session_key signatures for host modules', () => {
  let t: TestApp;
  let signatures: SessionKeySignatures;
  let wechat: SandboxWorld;

  beforeAll(async () => {
    t = await startTestApp();
    signatures = t.app.get(SessionKeySignatures);
    wechat = t.app.get(SandboxWorld);
  });
  afterAll(() => t.close());

  it('signs data with the user’s current session_key, as WeChat computes the user-state signature', async () => {
    const user = persona('payer');
    const pair = await loginAs(t, user);
    const body = JSON.stringify({ offer_id: '123', buy_quantity: 1 });
    const signed = await signatures.sign(pair.user.id, body);

    const sessionKey = wechat.sessionKey(MINIPROGRAM.appid, user)!;
    expect(signed).toEqual({
      openid: wechat.openid(MINIPROGRAM.appid, user),
      signature: createHmac('sha256', sessionKey).update(body).digest('hex'),
      sigMethod: 'hmac_sha256',
    });
    expect(JSON.stringify(signed)).not.toContain(sessionKey);
  });

  it('asks WeChat whether the key is still current: a later wx.login replaces it until the user logs in with that code', async () => {
    const user = persona('checker');
    const pair = await loginAs(t, user);
    expect(await signatures.isCurrent(pair.user.id)).toBe(true);

    const code = await wxLogin(t, user);
    expect(await signatures.isCurrent(pair.user.id)).toBe(false);

    await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(200);
    expect(await signatures.isCurrent(pair.user.id)).toBe(true);
  });

  it('has nothing to sign with for a user who never used the Mini Program', async () => {
    const pair = await oauthLogin(t, persona('web-only'), { scope: 'snsapi_userinfo' });
    await expect(signatures.sign(pair.user.id, '')).rejects.toMatchObject({ code: 'session_key_expired' });
    expect(await signatures.isCurrent(pair.user.id)).toBe(false);
  });
});
