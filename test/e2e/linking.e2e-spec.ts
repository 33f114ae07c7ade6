import { DataSource } from 'typeorm';
import { stableId } from '../../src/sandbox/sandbox-world';
import { OFFICIAL_ACCOUNT, oauthJourney, oauthLogin, onApp, pkce, redeemTicket, setPersona, WEBSITE } from '../support/oauth';
import { MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, uniquePhone, wxLogin } from '../support/test-app';

type AppName = 'miniprogram' | 'official account' | 'website';
const APPS: AppName[] = ['miniprogram', 'official account', 'website'];
// The browser the tests that drive callbacks themselves sign in from (PKCE).
const BROWSER = pkce();

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('one user across all apps', () => {
  let t: TestApp;
  const db = () => t.app.get(DataSource);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function loginOn(app: AppName, user: string): Promise<TokenPairBody> {
    if (app === 'miniprogram') {
      const code = await wxLogin(t, user);
      return (await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(200)).body as TokenPairBody;
    }
    return oauthLogin(t, user, app === 'website' ? { app: WEBSITE.key } : { scope: 'snsapi_userinfo' });
  }

  async function me(pair: TokenPairBody) {
    return (await t.http.get('/auth/me').set('authorization', `Bearer ${pair.accessToken}`).expect(200)).body as {
      id: string;
      identities: Array<{ appType: string; unionid: string | null }>;
    };
  }

  /** Every user that holds one of the persona's identities, in any app. */
  async function usersOf(user: string): Promise<string[]> {
    const openids = [MINIPROGRAM, OFFICIAL_ACCOUNT, WEBSITE].map((app) => stableId('o', `${app.appid}:${user}`));
    const rows = (await db().query(`SELECT DISTINCT user_id FROM wechat_identities WHERE openid = ANY($1)`, [openids])) as Array<{ user_id: string }>;
    return rows.map((row) => row.user_id);
  }

  describe.each(permutations(APPS))('in the order %s, %s, %s', (...order) => {
    it('makes one user with three identities when WeChat sends the unionid from the start', async () => {
      const user = persona('journey');
      const pairs: TokenPairBody[] = [];
      for (const app of order) pairs.push(await loginOn(app, user));
      expect(new Set(pairs.map((pair) => pair.user.id)).size).toBe(1);
      expect(pairs.map((pair) => pair.user.isNew)).toEqual([true, false, false]);
      const profile = await me(pairs[2]);
      expect(profile.identities.map((identity) => identity.appType).sort()).toEqual(['miniprogram', 'official_account', 'website']);
      expect(new Set(profile.identities.map((identity) => identity.unionid)).size).toBe(1);
      expect(await usersOf(user)).toEqual([profile.id]);
    });

    it('makes one user once the first app sends the unionid it first left out', async () => {
      const user = persona('late');
      await setPersona(t, { user, unionidWithheld: true });
      const first = await loginOn(order[0], user);
      await setPersona(t, { user, unionidWithheld: false });
      await loginOn(order[1], user);
      await loginOn(order[2], user);
      const back = await loginOn(order[0], user);

      const profile = await me(back);
      expect(profile.identities).toHaveLength(3);
      expect(profile.identities.every((identity) => identity.unionid === profile.identities[0].unionid && identity.unionid !== null)).toBe(true);
      expect(await usersOf(user)).toEqual([profile.id]);
      // The first login's session followed its identity to the surviving user.
      const refreshed = await t.http.post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
      expect(refreshed.body.user.id).toBe(profile.id);
    });
  });

  it('merges two users that turn out to be one person, losing nothing and recording the merge', async () => {
    const user = persona('merge');
    await setPersona(t, { user, unionidWithheld: true });
    const early = await loginOn('miniprogram', user);
    const phone = `+86${uniquePhone()}`;
    await db().query(`UPDATE users SET phone = $2 WHERE id = $1`, [early.user.id, phone]);
    await setPersona(t, { user, unionidWithheld: false, nickname: 'Merged Mei' });
    const other = await loginOn('official account', user);
    expect(other.user.id).not.toBe(early.user.id);

    const merged = await loginOn('miniprogram', user);
    expect(merged.user.id).toBe(other.user.id);
    expect(merged.user.nickname).toBe('Merged Mei');

    expect(await db().query(`SELECT 1 FROM users WHERE id = $1`, [early.user.id])).toHaveLength(0);
    const [survivor] = (await db().query(`SELECT phone, unionid FROM users WHERE id = $1`, [other.user.id])) as Array<{ phone: string; unionid: string }>;
    expect(survivor).toEqual({ phone, unionid: expect.stringMatching(/^u/) });
    const sessions = (await db().query(`SELECT user_id FROM sessions WHERE user_id = ANY($1)`, [[early.user.id, other.user.id]])) as Array<{ user_id: string }>;
    expect(sessions.map((session) => session.user_id)).toEqual([other.user.id, other.user.id, other.user.id]);
    const events = (await db().query(`SELECT kind, user_id, detail FROM login_events WHERE user_id = ANY($1) ORDER BY created_at`, [
      [early.user.id, other.user.id],
    ])) as Array<{ kind: string; user_id: string; detail: Record<string, string> | null }>;
    expect(events.every((event) => event.user_id === other.user.id)).toBe(true);
    expect(events.filter((event) => event.kind === 'miniprogram')).toHaveLength(2);
    expect(events.filter((event) => event.kind === 'users_merged').map((event) => event.detail)).toEqual([{ mergedUserId: early.user.id }]);
  });

  it('keeps a merged user disabled when either of the two was disabled', async () => {
    const user = persona('disabled-merge');
    await setPersona(t, { user, unionidWithheld: true });
    const disabled = await loginOn('miniprogram', user);
    await db().query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [disabled.user.id]);
    await setPersona(t, { user, unionidWithheld: false });
    await loginOn('official account', user);

    const code = await wxLogin(t, user);
    const response = await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(403);
    expect(response.body.error).toBe('user_disabled');
    const journey = await oauthJourney(t, user, { scope: 'snsapi_userinfo', returnTo: '/x' });
    expect(journey.callback.headers.location).toBe('/x#error=user_disabled');
    expect(await usersOf(user)).toHaveLength(1);
  });

  it('turns a silent H5 login (no unionid) into the same user once the user consents', async () => {
    const user = persona('base-then-userinfo');
    const mini = await loginOn('miniprogram', user);
    const silent = await oauthLogin(t, user, { scope: 'snsapi_base' });
    expect(silent.user.id).not.toBe(mini.user.id);
    const consented = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    expect(consented.user.id).toBe(mini.user.id);
    expect(await usersOf(user)).toEqual([mini.user.id]);
  });

  it('makes one user when the same person logs in on all three apps at once', async () => {
    const user = persona('at-once');
    const miniCodes = await Promise.all(Array.from({ length: 6 }, () => wxLogin(t, user)));
    const callbacks = await Promise.all(
      Array.from({ length: 6 }, (_, index) => pendingCallback(user, index % 2 ? { app: WEBSITE.key } : { scope: 'snsapi_userinfo' })),
    );
    const [minis, oauths] = await Promise.all([
      Promise.all(miniCodes.map((code) => t.http.post('/auth/wechat/miniprogram/login').send({ code }))),
      Promise.all(callbacks.map((url) => t.http.get(onApp(t, url)))),
    ]);
    expect(minis.map((response) => response.status)).toEqual(Array(6).fill(200));
    const tickets = oauths.map((response) => new URLSearchParams(String(response.headers.location).split('#')[1]).get('ticket'));
    expect(tickets.every(Boolean)).toBe(true);
    const redeemed = await Promise.all(tickets.map((ticket) => redeemTicket(t, ticket!, BROWSER.verifier)));
    const ids = new Set([...minis.map((response) => response.body.user.id as string), ...redeemed.map((pair) => pair.user.id)]);
    expect(ids.size).toBe(1);
    expect(await usersOf(user)).toEqual([...ids]);
  });

  it('keeps every login of a person whose two users are being merged at that moment', async () => {
    // Two users: the H5 identity seen without unionid, the website identity with it.
    const user = persona('merge-race');
    await oauthLogin(t, user, { scope: 'snsapi_base' });
    await loginOn('website', user);
    expect(await usersOf(user)).toHaveLength(2);

    // At once: consenting H5 logins (they bring the unionid and merge) and silent ones of the user being merged away.
    const callbacks = await Promise.all(
      Array.from({ length: 16 }, (_, index) => pendingCallback(user, { scope: index % 2 ? 'snsapi_base' : 'snsapi_userinfo' })),
    );
    const answers = await Promise.all(callbacks.map((url) => t.http.get(onApp(t, url))));
    expect(answers.map((response) => String(response.headers.location))).toEqual(Array(16).fill(expect.stringContaining('#ticket=')));
    const users = await usersOf(user);
    expect(users).toHaveLength(1);
    const redeemed = await Promise.all(
      answers.map((response) => redeemTicket(t, new URLSearchParams(String(response.headers.location).split('#')[1]).get('ticket')!, BROWSER.verifier)),
    );
    expect(new Set(redeemed.map((pair) => pair.user.id))).toEqual(new Set(users));
  });

  /** WeChat's redirect to our callback for persona `user`, not yet followed. */
  async function pendingCallback(user: string, options: { app?: string; scope?: string }): Promise<string> {
    const query: Record<string, string> = { returnTo: '/linked', challenge: BROWSER.challenge };
    if (options.scope) query.scope = options.scope;
    const authorize = await t.http.get(`/auth/wechat/oauth/${options.app ?? OFFICIAL_ACCOUNT.key}/authorize`).query(query).expect(302);
    const page = new URL(String(authorize.headers.location).split('#')[0]);
    page.searchParams.set('user', user);
    return String((await t.http.get(onApp(t, page.toString())).expect(302)).headers.location);
  }
});
