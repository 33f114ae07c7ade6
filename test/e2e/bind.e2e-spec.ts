import { DataSource } from 'typeorm';
import { bearer, signInAsAdmin } from '../support/admin';
import { OFFICIAL_ACCOUNT, oauthLogin } from '../support/oauth';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, unknownCode, wxLogin } from '../support/test-app';

interface Me {
  id: string;
  identities: Array<{ app: string; appType: string }>;
}

/** A signed-in person binds their Mini Program identity to their account. */
describe('binding a Mini Program identity', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ CODE_EXCHANGE_WINDOW_SECONDS: '1' });
    db = t.app.get(DataSource);
    // Neither app is bound to the Open Platform: WeChat gives no unionid, so nothing joins the two apps by itself.
    for (const app of [MINIPROGRAM, OFFICIAL_ACCOUNT]) await t.http.post(`/sandbox/apps/${app.appid}`).send({ openPlatformBound: false }).expect(200);
  });
  afterAll(() => t.close());

  const bind = async (pair: TokenPairBody, code: string) => t.http.post('/auth/wechat/miniprogram/bind').set(bearer(pair.accessToken)).send({ code });
  const write = (pair: TokenPairBody, text: string) => t.http.post('/notes').set(bearer(pair.accessToken)).send({ text }).expect(201);
  const notesOf = async (pair: TokenPairBody) => ((await t.http.get('/notes').set(bearer(pair.accessToken)).expect(200)).body.items as Array<{ text: string }>).map((note) => note.text).sort();

  it('joins the Mini Program and the Official Account into one user without a unionid; later logins through either reach it', async () => {
    const user = persona('no-unionid');
    const web = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    const response = await bind(web, await wxLogin(t, user));
    expect(response.status).toBe(200);
    const me = response.body as Me;
    expect(me.id).toBe(web.user.id);
    expect(me.identities.map((identity) => identity.appType).sort()).toEqual(['miniprogram', 'official_account']);

    expect((await loginAs(t, user)).user).toMatchObject({ id: web.user.id, isNew: false });
    expect((await oauthLogin(t, user, { scope: 'snsapi_userinfo' })).user.id).toBe(web.user.id);
  });

  it('merges the user who held the identity into the caller, notes and all', async () => {
    const user = persona('two-accounts');
    const miniProgram = await loginAs(t, user);
    const web = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    expect(web.user.id).not.toBe(miniProgram.user.id);
    await write(miniProgram, 'from the Mini Program');
    await write(web, 'from the web');

    const me = (await bind(web, await wxLogin(t, user))).body as Me;
    expect(me.identities).toHaveLength(2);
    expect(await notesOf(web)).toEqual(['from the Mini Program', 'from the web']);
    expect(await db.query(`SELECT 1 FROM users WHERE id = $1`, [miniProgram.user.id])).toHaveLength(0);
    expect((await loginAs(t, user)).user.id).toBe(web.user.id);
    const [merge] = (await db.query(`SELECT detail FROM login_events WHERE user_id = $1 AND kind = 'users_merged'`, [web.user.id])) as Array<{ detail: unknown }>;
    expect(merge.detail).toEqual({ mergedUserId: miniProgram.user.id });
  });

  it('refuses to take the identity of a disabled account, changing nothing', async () => {
    const user = persona('banned');
    const banned = await loginAs(t, user);
    const admin = await signInAsAdmin(t);
    await t.http.post(`/admin/api/users/${banned.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);
    const web = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });

    const response = await bind(web, await wxLogin(t, user));
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('user_disabled');
    const [owner] = (await db.query(`SELECT user_id FROM wechat_identities WHERE app_key = $1 AND user_id = $2`, [MINIPROGRAM.key, banned.user.id])) as unknown[];
    expect(owner).toBeDefined();
  });

  it('gives the identity exactly one owner when two users bind it at once', async () => {
    const user = persona('contested');
    const first = await oauthLogin(t, persona('first'), { scope: 'snsapi_userinfo' });
    const second = await oauthLogin(t, persona('second'), { scope: 'snsapi_userinfo' });
    const [codeA, codeB] = [await wxLogin(t, user), await wxLogin(t, user)];
    const responses = await Promise.all([bind(first, codeA), bind(second, codeB)]);
    // Each bind succeeds. The later one merges the earlier caller away, and that caller's own answer (its
    // account as it is now) may come after the merge: then it hears its account is gone, to sign in again.
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(1);
    for (const response of responses.filter((each) => each.status !== 200)) {
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('session_revoked');
    }
    const owners = (await db.query(
      `SELECT DISTINCT i.user_id FROM wechat_identities i JOIN users u ON u.id = i.user_id WHERE i.app_key = $1 AND i.user_id = ANY($2)`,
      [MINIPROGRAM.key, [first.user.id, second.user.id]],
    )) as Array<{ user_id: string }>;
    expect(owners).toHaveLength(1);
    // Both proved control of the identity, so both users are one person now: the later bind merged the earlier one.
    const survivors = (await db.query(`SELECT id FROM users WHERE id = ANY($1)`, [[first.user.id, second.user.id]])) as Array<{ id: string }>;
    expect(survivors).toHaveLength(1);
    // Only a caller merged away can have been told so.
    const callers = [first.user.id, second.user.id];
    responses.forEach((response, index) => {
      if (response.status === 401) expect(callers[index]).not.toBe(survivors[0].id);
    });
  });

  it('signs in every Mini Program login that comes while its user is being merged into the binding caller', async () => {
    const user = persona('login-during-merge');
    const miniProgram = await loginAs(t, user);
    const web = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    // Fewer than the cap of sessions per app, so that none of them ends for that reason.
    const codes = await Promise.all(Array.from({ length: 8 }, () => wxLogin(t, user)));
    const bindCode = await wxLogin(t, user);

    const [bound, ...logins] = await Promise.all([bind(web, bindCode), ...codes.map((code) => t.http.post('/auth/wechat/miniprogram/login').send({ code }))]);
    expect(bound.status).toBe(200);
    expect(logins.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(await db.query(`SELECT 1 FROM users WHERE id = $1`, [miniProgram.user.id])).toHaveLength(0);
    // Each login's session is the survivor's: opened for it, or opened just before the merge and moved by it.
    const refreshed = await Promise.all(
      logins.map((login) => t.http.post('/auth/refresh').send({ refreshToken: (login.body as TokenPairBody).refreshToken })),
    );
    expect(refreshed.map((response) => [response.status, response.body.user?.id ?? response.body.error])).toEqual(Array(8).fill([200, web.user.id]));
  });

  it('follows the code rules of login: unknown codes, used codes', async () => {
    const web = await oauthLogin(t, persona('codes'), { scope: 'snsapi_userinfo' });
    expect((await bind(web, unknownCode())).body.error).toBe('wechat_code_invalid');
    const code = await wxLogin(t, persona('codes-mp'));
    expect((await bind(web, code)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again = await bind(web, code);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('wechat_code_used');
  });

  it('needs a signed-in caller', async () => {
    expect((await t.http.post('/auth/wechat/miniprogram/bind').send({ code: unknownCode() }).expect(401)).body.error).toBe('unauthorized');
  });

  it('never joins two WeChat users: a code of someone with another unionid is refused', async () => {
    const bindApps = (bound: boolean) =>
      Promise.all([MINIPROGRAM, OFFICIAL_ACCOUNT].map((app) => t.http.post(`/sandbox/apps/${app.appid}`).send({ openPlatformBound: bound }).expect(200)));
    await bindApps(true);
    try {
      const caller = await oauthLogin(t, persona('caller'), { scope: 'snsapi_userinfo' });
      const stranger = persona('stranger');
      const response = await bind(caller, await wxLogin(t, stranger));
      expect(response.status).toBe(409);
      expect(response.body.error).toBe('unionid_conflict');
      expect(((await t.http.get('/auth/me').set(bearer(caller.accessToken)).expect(200)).body as Me).identities).toHaveLength(1);
    } finally {
      await bindApps(false);
    }
  });
});
