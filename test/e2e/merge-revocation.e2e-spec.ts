import { bearer, database, signInAsAdmin } from '../support/admin';
import { oauthLogin, setPersona } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody } from '../support/test-app';

/** After a merge, nothing of the two accounts stays usable by accident. */
describe('what a merge revokes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** One person as two users: the Mini Program without a unionid, the Official Account with it. The next Mini Program login merges them. */
  async function twoUsers(): Promise<{ user: string; early: TokenPairBody; later: TokenPairBody }> {
    const user = persona('merge');
    await setPersona(t, { user, unionidWithheld: true });
    const early = await loginAs(t, user);
    await setPersona(t, { user, unionidWithheld: false });
    const later = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    return { user, early, later };
  }

  it('refuses the merged-away user’s access tokens at once; a refresh gives the tokens of the user it became', async () => {
    const { user, early, later } = await twoUsers();
    await t.http.get('/auth/me').set(bearer(early.accessToken)).expect(200);
    await loginAs(t, user);

    const refused = await t.http.get('/auth/me').set(bearer(early.accessToken)).expect(401);
    expect(refused.body.error).toBe('token_expired');
    const refreshed = (await t.http.post('/auth/refresh').send({ refreshToken: early.refreshToken }).expect(200)).body as TokenPairBody;
    expect(refreshed.user.id).toBe(later.user.id);
    await t.http.get('/auth/me').set(bearer(refreshed.accessToken)).expect(200);
  });

  it('keeps the merged user disabled when one of the two was, and ends every session, the moved ones too', async () => {
    const { user, early, later } = await twoUsers();
    const admin = await signInAsAdmin(t);
    // Banned as the Official Account user; the Mini Program user is still signed in.
    await t.http.post(`/admin/api/users/${later.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);
    await t.http.get('/auth/me').set(bearer(early.accessToken)).expect(200);

    const merging = await t.http.post('/auth/wechat/miniprogram/login').send({ code: (await t.http.post('/sandbox/wx.login').send({ appid: 'wxd000000000000001', user }).expect(200)).body.code });
    expect(merging.status).toBe(403);
    expect(merging.body.error).toBe('user_disabled');

    const [survivor] = (await database(t).query(`SELECT status FROM users WHERE id = $1`, [later.user.id])) as Array<{ status: string }>;
    expect(survivor.status).toBe('disabled');
    const live = (await database(t).query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [later.user.id])) as Array<{ n: number }>;
    expect(live[0].n).toBe(0);
    expect((await t.http.get('/auth/me').set(bearer(early.accessToken))).status).toBeGreaterThanOrEqual(401);
    expect((await t.http.post('/auth/refresh').send({ refreshToken: early.refreshToken })).status).not.toBe(200);
  });
});
