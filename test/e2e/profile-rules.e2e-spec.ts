import { SandboxOAuthWorld } from '../../src/sandbox/sandbox-oauth-world';
import { bearer, grantAdmin } from '../support/admin';
import { oauthLogin } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp } from '../support/test-app';

/** What WeChat sends about a person is data, not markup: one rule for every stored nickname and avatar. */
describe('profiles from WeChat', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** An Official Account login (snsapi_userinfo) of a persona whose WeChat profile is `profile`. */
  async function signInWith(profile: { nickname?: string; avatarUrl?: string }) {
    const user = persona('profile');
    t.app.get(SandboxOAuthWorld).setPersona(user, profile);
    const pair = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    return (await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body as { nickname: string | null; avatarUrl: string | null };
  }

  it.each([
    ['a NUL character', 'Mei\u0000Lin', 'MeiLin'],
    ['a right-to-left override', 'abc\u202Egpj.exe', 'abcgpj.exe'],
    ['C1 controls, zero-width and line separators', '\u0085Wang\u200B\u2028Wei\uFEFF', 'WangWei'],
    ['5,000 characters', '长'.repeat(5_000), '长'.repeat(64)],
    ['nothing visible', '\u200B\u200E ', null],
  ])('stores a nickname with %s cleaned', async (_label, nickname, stored) => {
    expect((await signInWith({ nickname })).nickname).toBe(stored);
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a URL with spaces', 'https://a.example/x y.png'],
    ['an overlong URL', `https://a.example/${'x'.repeat(2_000)}`],
  ])('drops an avatar that is %s, and still signs the person in', async (_label, avatarUrl) => {
    expect((await signInWith({ nickname: 'Ok', avatarUrl })).avatarUrl).toBeNull();
  });

  it('keeps an https avatar', async () => {
    expect((await signInWith({ avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/abc/132' })).avatarUrl).toBe('https://thirdwx.qlogo.cn/mmopen/abc/132');
  });

  it('refuses NUL in text input with invalid_request, never a 500', async () => {
    const pair = await loginAs(t);
    await grantAdmin(t, pair.user.id);
    const admin = (await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)).body as { accessToken: string };
    const search = await t.http.get('/admin/api/users').query({ q: 'a\u0000b' }).set(bearer(admin.accessToken)).expect(400);
    expect(search.body.error).toBe('invalid_request');
    const note = await t.http.post('/notes').set(bearer(admin.accessToken)).send({ text: 'a\u0000b' }).expect(400);
    expect(note.body.error).toBe('invalid_request');
  });
});
