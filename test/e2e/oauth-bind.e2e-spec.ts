import { DataSource } from 'typeorm';
import { bearer } from '../support/admin';
import { OFFICIAL_ACCOUNT, oauthLogin, onApp, WEBSITE } from '../support/oauth';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody } from '../support/test-app';

interface Me {
  id: string;
  identities: Array<{ app: string; appType: string }>;
}

/** A signed-in person binds their Official Account (or website) identity, confirmed by the session that started it. */
describe('binding an Official Account or website identity', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    // No Open Platform binding: no unionid joins the apps by itself.
    for (const app of [MINIPROGRAM, OFFICIAL_ACCOUNT, WEBSITE]) await t.http.post(`/sandbox/apps/${app.appid}`).send({ openPlatformBound: false }).expect(200);
  });
  afterAll(() => t.close());

  const startBind = async (pair: TokenPairBody, app = OFFICIAL_ACCOUNT.key) =>
    (await t.http.post(`/auth/wechat/oauth/${app}/bind`).set(bearer(pair.accessToken)).send({ returnTo: '/settings', scope: app === OFFICIAL_ACCOUNT.key ? 'snsapi_userinfo' : undefined }).expect(200)).body.url as string;

  /** What a browser does with the bind URL: WeChat's page as persona `user`, then our callback. Answers where it lands. */
  async function consent(url: string, user: string) {
    const page = new URL(url.split('#')[0]);
    page.searchParams.set('user', user);
    const back = await t.http.get(onApp(t, page.toString())).expect(302);
    return t.http.get(onApp(t, back.headers.location as string));
  }

  const fragment = (location: string, name: string) => new URLSearchParams(location.split('#')[1]).get(name);
  const confirm = (pair: TokenPairBody, bindTicket: string | null) => t.http.post('/auth/bind/confirm').set(bearer(pair.accessToken)).send({ bindTicket });
  const me = async (pair: TokenPairBody) => (await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body as Me;

  it('binds the Official Account to the Mini Program user once the same session confirms; later logins through either reach it', async () => {
    const user = persona('binder');
    const pair = await loginAs(t, user);
    const url = await startBind(pair);
    const state = new URL(url.split('#')[0]).searchParams.get('state')!;
    expect(state).toMatch(/^[0-9A-Za-z]{1,128}$/);
    const redirectUri = new URL(new URL(url.split('#')[0]).searchParams.get('redirect_uri')!);
    expect(redirectUri.pathname).toBe(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/callback`);

    const landing = await consent(url, user);
    expect(landing.status).toBe(302);
    const location = landing.headers.location as string;
    expect(location.startsWith('/settings#bindTicket=')).toBe(true);
    // Nothing is bound before the confirmation.
    expect((await me(pair)).identities).toHaveLength(1);

    const confirmed = await confirm(pair, fragment(location, 'bindTicket')).expect(200);
    expect((confirmed.body as Me).identities.map((identity) => identity.appType).sort()).toEqual(['miniprogram', 'official_account']);
    expect((await oauthLogin(t, user, { scope: 'snsapi_userinfo' })).user.id).toBe(pair.user.id);
    expect((await loginAs(t, user)).user.id).toBe(pair.user.id);
  });

  it('refuses a bind ticket confirmed by another user’s session: the attack of a bind link sent to a victim', async () => {
    const attacker = await loginAs(t, persona('attacker'));
    const victim = persona('victim');
    const victimSession = await loginAs(t, victim);
    // The attacker starts a bind and sends its URL to the victim, whose WeChat authorizes silently.
    const landing = await consent(await startBind(attacker), victim);
    const bindTicket = fragment(landing.headers.location as string, 'bindTicket');
    // The victim's page confirms with the victim's own session: refused, because the ticket is the attacker's session's.
    const refused = await confirm(victimSession, bindTicket).expect(401);
    expect(refused.body.error).toBe('ticket_invalid');
    // The attacker never sees the ticket; were it leaked, it is burnt by the wrong session's attempt.
    expect((await confirm(attacker, bindTicket).expect(401)).body.error).toBe('ticket_invalid');
    expect((await me(attacker)).identities).toHaveLength(1);
    const owners = (await db.query(`SELECT DISTINCT user_id FROM wechat_identities WHERE app_key = $1 AND user_id = $2`, [OFFICIAL_ACCOUNT.key, attacker.user.id])) as unknown[];
    expect(owners).toHaveLength(0);
  });

  it('takes a bind ticket once, and only within 60 seconds', async () => {
    const pair = await loginAs(t, persona('twice'));
    const first = fragment((await consent(await startBind(pair, WEBSITE.key), persona('twice-web'))).headers.location as string, 'bindTicket');
    await confirm(pair, first).expect(200);
    expect((await confirm(pair, first).expect(401)).body.error).toBe('ticket_invalid');

    const late = fragment((await consent(await startBind(pair, OFFICIAL_ACCOUNT.key), persona('late-oa'))).headers.location as string, 'bindTicket');
    await db.query(`UPDATE bind_tickets SET expires_at = now() - interval '1 second' WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)`, [pair.user.id]);
    expect((await confirm(pair, late).expect(401)).body.error).toBe('ticket_invalid');
  });

  it('refuses a bind state whose session has ended', async () => {
    const pair = await loginAs(t, persona('left'));
    const url = await startBind(pair);
    await t.http.post('/auth/logout').set(bearer(pair.accessToken)).expect(204);
    const landing = await consent(url, persona('left-oa'));
    expect(landing.status).toBe(400);
    expect(landing.body.error).toBe('state_invalid');
  });

  it('needs a signed-in caller for both steps', async () => {
    await t.http.post(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/bind`).send({ returnTo: '/x' }).expect(401);
    await t.http.post('/auth/bind/confirm').send({ bindTicket: 'A'.repeat(43) }).expect(401);
  });
});
