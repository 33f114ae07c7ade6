import { bearer } from '../support/admin';
import { sealUserData } from '../support/miniprogram-data';
import { oauthLogin, setPersona } from '../support/oauth';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody } from '../support/test-app';

// What WeChat gives new Mini Program versions instead of a profile since April 2021.
const PLACEHOLDER_NICKNAME = '微信用户';

/** Nickname and avatar under WeChat's current rules. */
describe('one’s own nickname', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const me = async (pair: TokenPairBody) => (await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body as { nickname: string | null; avatarUrl: string | null };
  const rename = (pair: TokenPairBody, body: unknown) => t.http.patch('/auth/me').set(bearer(pair.accessToken)).send(body as object);

  it('never stores WeChat’s placeholder nickname or grey avatar over a real one', async () => {
    const user = persona('real-name');
    await setPersona(t, { user, nickname: 'Mei' });
    const web = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    const before = await me(web);
    expect(before.nickname).toBe('Mei');

    // The same person in a new-style Mini Program: whatever it asks for, WeChat seals only the placeholders.
    const app = await t.http.post(`/sandbox/apps/${MINIPROGRAM.appid}`).send({ newStyleProfile: true }).expect(200);
    expect(app.body).toMatchObject({ appid: MINIPROGRAM.appid, newStyleProfile: true });
    try {
      const mini = await loginAs(t, user);
      expect(mini.user.id).toBe(web.user.id);
      const sealed = await sealUserData(t, user, { nickName: 'Ignored', avatarUrl: 'https://a.example/ignored.png' });
      expect(JSON.parse(sealed.rawData)).toMatchObject({ nickName: PLACEHOLDER_NICKNAME });
      await t.http.post('/auth/wechat/miniprogram/profile').set(bearer(mini.accessToken)).send(sealed).expect(200);
      expect(await me(web)).toMatchObject({ nickname: 'Mei', avatarUrl: before.avatarUrl });
      expect(before.avatarUrl).toMatch(/^https:\/\//);
    } finally {
      await t.http.post(`/sandbox/apps/${MINIPROGRAM.appid}`).send({ newStyleProfile: false }).expect(200);
    }
  });

  it('lets a person set their nickname, cleaned like every stored one', async () => {
    const pair = await loginAs(t, persona('renamer'));
    const response = await rename(pair, { nickname: '  Lin\u200B ' }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.nickname).toBe('Lin');
    expect((await me(pair)).nickname).toBe('Lin');
  });

  it.each([
    ['only invisible characters', { nickname: '\u202E\u200B' }],
    ['WeChat’s placeholder', { nickname: PLACEHOLDER_NICKNAME }],
    ['WeChat’s placeholder and a combining accent', { nickname: `${PLACEHOLDER_NICKNAME}\u0301` }],
    ['only combining marks', { nickname: '\u0301\u0308\u0301' }],
    ['only Hangul fillers and a blank Braille pattern', { nickname: '\u3164\uFFA0\u2800' }],
    ['65 characters', { nickname: 'x'.repeat(65) }],
    ['a number', { nickname: 7 }],
    ['an extra field', { nickname: 'Ok', avatarUrl: 'https://a.example/x.png' }],
  ])('refuses a nickname with %s', async (_label, body) => {
    const pair = await loginAs(t, persona('refused'));
    expect((await rename(pair, body).expect(400)).body.error).toBe('invalid_request');
  });

  it('keeps three of the combining marks stacked on a character', async () => {
    const pair = await loginAs(t, persona('zalgo'));
    const response = await rename(pair, { nickname: `梅${'\u0301'.repeat(60)}` }).expect(200);
    expect(response.body.nickname).toBe('梅\u0301\u0301\u0301');
    expect((await me(pair)).nickname).toBe('梅\u0301\u0301\u0301');
  });

  it('needs a signed-in caller', async () => {
    expect((await t.http.patch('/auth/me').send({ nickname: 'x' }).expect(401)).body.error).toBe('unauthorized');
  });
});
