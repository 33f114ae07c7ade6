import { DataSource } from 'typeorm';
import { stableId } from '../../src/sandbox/sandbox-world';
import { OAuthStateSigner } from '../../src/wechat-auth/wechat/oauth/oauth-state';
import { OFFICIAL_ACCOUNT, oauthJourney, oauthLogin, onApp, pkce, redeemTicket, setPersona, ticketBody, WEBSITE } from '../support/oauth';
import { persona, startTestApp, TestApp } from '../support/test-app';

const FRONTEND = 'https://shop.example.com';
const AUTHORIZE = `/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`;
const CALLBACK = `/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/callback`;

describe('Official Account (H5) and website (QR) login', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ FRONTEND_ORIGINS: `${FRONTEND},http://localhost:5173` });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  async function me(accessToken: string) {
    return (await t.http.get('/auth/me').set('authorization', `Bearer ${accessToken}`).expect(200)).body;
  }

  async function identityRows(appid: string, user: string): Promise<number> {
    const openid = stableId('o', `${appid}:${user}`);
    const [row] = (await db.query(`SELECT count(*)::int AS n FROM wechat_identities WHERE appid = $1 AND openid = $2`, [appid, openid])) as Array<{ n: number }>;
    return row.n;
  }

  describe('the H5 flow', () => {
    it('redirects to WeChat with a compact signed state and a callback built from configuration', async () => {
      const response = await t.http.get(AUTHORIZE).query({ challenge: pkce().challenge, returnTo: '/account' }).set('Host', 'evil.example').set('X-Forwarded-Host', 'evil.example').expect(302);
      const location = response.headers.location as string;
      expect(location.endsWith('#wechat_redirect')).toBe(true);
      const url = new URL(location.split('#')[0]);
      expect(url.origin + url.pathname).toBe(`${t.url}/sandbox/connect/oauth2/authorize`);
      expect([...url.searchParams.keys()]).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state']);
      expect(url.searchParams.get('appid')).toBe(OFFICIAL_ACCOUNT.appid);
      expect(url.searchParams.get('scope')).toBe('snsapi_base');
      expect(url.searchParams.get('state')).toMatch(/^[a-zA-Z0-9]{1,128}$/);
      expect(url.searchParams.get('redirect_uri')).toBe(`${t.config.oauth.publicBaseUrl}${CALLBACK}?returnTo=%2Faccount`);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('logs in silently with snsapi_base: ticket in the fragment, tokens only from POST /auth/ticket', async () => {
      const user = persona('h5');
      const journey = await oauthJourney(t, user, { returnTo: '/after-login?tab=me' });
      expect(journey.callback.status).toBe(302);
      expect(journey.callback.headers['referrer-policy']).toBe('no-referrer');
      expect(journey.callback.headers['cache-control']).toBe('no-store');
      expect(journey.callback.headers.location).toMatch(/^\/after-login\?tab=me#ticket=[A-Za-z0-9_-]{43}$/);

      const pair = await redeemTicket(t, journey.ticket!);
      expect(pair.user).toMatchObject({ isNew: true, nickname: null });
      const profile = await me(pair.accessToken);
      expect(profile.identities).toEqual([expect.objectContaining({ app: OFFICIAL_ACCOUNT.key, appType: 'official_account', unionid: null })]);

      const again = await oauthLogin(t, user);
      expect(again.user).toMatchObject({ id: pair.user.id, isNew: false });
    });

    it('stores nickname, avatar and unionid with snsapi_userinfo', async () => {
      const user = persona('userinfo');
      await setPersona(t, { user, nickname: 'Xiao Ming' });
      const pair = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
      expect(pair.user.nickname).toBe('Xiao Ming');
      expect(pair.user.avatarUrl).toMatch(/^https:\/\//);
      const profile = await me(pair.accessToken);
      expect(profile.identities[0].unionid).toMatch(/^u/);
    });

    it('sends the user back to an allowed frontend origin', async () => {
      const journey = await oauthJourney(t, persona('spa'), { returnTo: `${FRONTEND}/welcome?from=wechat` });
      expect(journey.callback.headers.location).toMatch(new RegExp(`^${FRONTEND}/welcome\\?from=wechat#ticket=`));
      await redeemTicket(t, journey.ticket!);
    });

    it('answers a refusal with #error=authorization_denied and records it', async () => {
      const journey = await oauthJourney(t, persona('refuses'), { deny: true, returnTo: '/back' });
      expect(journey.callback.status).toBe(302);
      expect(journey.callback.headers.location).toBe('/back#error=authorization_denied');
      const [row] = (await db.query(
        `SELECT count(*)::int AS n FROM login_events WHERE kind = 'official_account' AND error_code = 'authorization_denied'`,
      )) as Array<{ n: number }>;
      expect(row.n).toBeGreaterThanOrEqual(1);
    });

    it('refuses a snapshot user with #error=snapshot_user and makes no account', async () => {
      const user = persona('snapshot');
      await setPersona(t, { user, snapshotUser: true });
      const journey = await oauthJourney(t, user);
      expect(journey.error).toBe('snapshot_user');
      expect(journey.ticket).toBeUndefined();
      expect(await identityRows(OFFICIAL_ACCOUNT.appid, user)).toBe(0);
    });

    it('serves WeChat calling the callback twice: same user, each its own ticket and session', async () => {
      const journey = await oauthJourney(t, persona('twice'));
      const copy = await t.http.get(onApp(t, journey.callbackUrl)).expect(302);
      const secondTicket = new URLSearchParams((copy.headers.location as string).split('#')[1]).get('ticket')!;
      expect(secondTicket).not.toBe(journey.ticket);
      // The same browser: both tickets go with its one verifier.
      const [first, second] = await Promise.all([redeemTicket(t, journey.ticket!), redeemTicket(t, secondTicket, journey.verifier)]);
      expect(second.user.id).toBe(first.user.id);
      expect(second.refreshToken).not.toBe(first.refreshToken);
    });
  });

  describe('the website QR flow', () => {
    it('goes through WeChat’s QR page with snsapi_login and stores the profile', async () => {
      const user = persona('qr');
      const journey = await oauthJourney(t, user, { app: WEBSITE.key });
      const url = new URL(journey.authorizeLocation.split('#')[0]);
      expect(url.pathname).toBe('/sandbox/connect/qrconnect');
      expect(url.searchParams.get('scope')).toBe('snsapi_login');
      const pair = await redeemTicket(t, journey.ticket!);
      expect(pair.user.nickname).toBe(user);
      expect((await me(pair.accessToken)).identities[0]).toMatchObject({ appType: 'website', unionid: expect.stringMatching(/^u/) });
    });

    it('refuses an Official Account scope for a website app and unknown apps', async () => {
      expect((await t.http.get(`/auth/wechat/oauth/${WEBSITE.key}/authorize`).query({ scope: 'snsapi_base', challenge: pkce().challenge }).expect(400)).body.error).toBe('invalid_request');
      expect((await t.http.get('/auth/wechat/oauth/demo-miniprogram/authorize').query({ challenge: pkce().challenge }).expect(404)).body.error).toBe('unknown_app');
      expect((await t.http.get('/auth/wechat/oauth/nope/authorize').query({ challenge: pkce().challenge }).expect(404)).body.error).toBe('unknown_app');
    });
  });

  describe('state', () => {
    async function pendingCallback(user = persona('state')) {
      const authorize = await t.http.get(AUTHORIZE).query({ challenge: pkce().challenge, returnTo: '/s' }).expect(302);
      const page = new URL((authorize.headers.location as string).split('#')[0]);
      page.searchParams.set('user', user);
      const consent = await t.http.get(onApp(t, page.toString())).expect(302);
      return { page, callback: new URL(consent.headers.location as string) };
    }

    async function expectStateInvalid(url: URL) {
      const response = await t.http.get(onApp(t, url.toString())).expect(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'state_invalid', message: expect.any(String) });
    }

    it('refuses a missing state', async () => {
      const { callback } = await pendingCallback();
      callback.searchParams.delete('state');
      await expectStateInvalid(callback);
    });

    it.each([
      ['forged', () => 'A'.repeat(45)],
      ['with a wrong character', (state: string) => (state[10] === 'a' ? 'b' : 'a').padStart(11, state.slice(0, 10)) + state.slice(11)],
      ['too long', (state: string) => state + 'A'],
      ['not base62', (state: string) => state.slice(0, -1) + '-'],
    ])('refuses a %s state', async (_label, tamper) => {
      const { callback } = await pendingCallback();
      callback.searchParams.set('state', tamper(callback.searchParams.get('state')!));
      await expectStateInvalid(callback);
    });

    it('refuses a state bound to another return path', async () => {
      const { callback } = await pendingCallback();
      callback.searchParams.set('returnTo', '/elsewhere');
      await expectStateInvalid(callback);
    });

    it('refuses an expired state', async () => {
      const { callback } = await pendingCallback();
      const old = t.app.get(OAuthStateSigner).sign(OFFICIAL_ACCOUNT, '/s', { challenge: Buffer.alloc(32, 1) }, Date.now() - 11 * 60 * 1000);
      callback.searchParams.set('state', old);
      await expectStateInvalid(callback);
    });

    it('refuses the state of another app', async () => {
      const website = await t.http.get(`/auth/wechat/oauth/${WEBSITE.key}/authorize`).query({ returnTo: '/s', challenge: pkce().challenge }).expect(302);
      const websiteState = new URL((website.headers.location as string).split('#')[0]).searchParams.get('state')!;
      const { callback } = await pendingCallback();
      callback.searchParams.set('state', websiteState);
      await expectStateInvalid(callback);
    });

    it('refuses a state that comes back with another code (replay)', async () => {
      const user = persona('replay');
      const { page, callback } = await pendingCallback(user);
      await t.http.get(onApp(t, callback.toString())).expect(302);
      const again = await t.http.get(onApp(t, page.toString())).expect(302);
      const replay = new URL(again.headers.location as string);
      expect(replay.searchParams.get('code')).not.toBe(callback.searchParams.get('code'));
      await expectStateInvalid(replay);
    });

    it('does not count a code that comes back with another valid state as a copy', async () => {
      const first = await pendingCallback();
      await t.http.get(onApp(t, first.callback.toString())).expect(302);
      const second = await pendingCallback();
      second.callback.searchParams.set('code', first.callback.searchParams.get('code')!);
      const answer = await t.http.get(onApp(t, second.callback.toString())).expect(302);
      expect(answer.headers.location).toBe('/s#error=wechat_code_used');
    });

    it('uses a state once across concurrent callbacks with different codes', async () => {
      const { page } = await pendingCallback();
      const codes = await Promise.all(Array.from({ length: 5 }, () => t.http.get(onApp(t, page.toString())).expect(302)));
      const answers = await Promise.all(codes.map((consent) => t.http.get(onApp(t, consent.headers.location as string))));
      expect(answers.filter((answer) => answer.status === 302 && /#ticket=/.test(answer.headers.location as string))).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 400 && answer.body.error === 'state_invalid')).toHaveLength(4);
    });
  });

  describe('returnTo', () => {
    it.each([
      '//evil.example',
      '//evil.example/path',
      'https://evil.example',
      `${FRONTEND}.evil.example/`,
      `${FRONTEND}@evil.example/`,
      'https://user@shop.example.com/',
      'http://shop.example.com/',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,hi',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      ' /path',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '/path#fragment',
      'relative/path',
      '',
      '/' + 'a'.repeat(1100),
    ])('refuses %j with redirect_not_allowed', async (returnTo) => {
      const response = await t.http.get(AUTHORIZE).query({ challenge: pkce().challenge, returnTo }).expect(400);
      expect(response.body.error).toBe('redirect_not_allowed');
    });

    it.each(['/', '/account?x=1', `${FRONTEND}`, `${FRONTEND}/a/b?c=d`, 'http://localhost:5173/cb'])('allows %j', async (returnTo) => {
      await t.http.get(AUTHORIZE).query({ challenge: pkce().challenge, returnTo }).expect(302);
    });
  });

  describe('tickets', () => {
    it('works once', async () => {
      const journey = await oauthJourney(t, persona('once'));
      await redeemTicket(t, journey.ticket!);
      const reuse = await t.http.post('/auth/ticket').send(ticketBody(journey.ticket!)).expect(401);
      expect(reuse.body.error).toBe('ticket_invalid');
    });

    it('works once even when presented twice at once', async () => {
      const journey = await oauthJourney(t, persona('race'));
      const answers = await Promise.all(Array.from({ length: 5 }, () => t.http.post('/auth/ticket').send(ticketBody(journey.ticket!))));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401, 401]);
    });

    it('expires after 60 s', async () => {
      const journey = await oauthJourney(t, persona('slow'));
      const [row] = (await db.query(`SELECT expires_at - created_at AS ttl FROM login_tickets ORDER BY created_at DESC LIMIT 1`)) as Array<{ ttl: { seconds?: number; minutes?: number } }>;
      expect(row.ttl).toEqual({ minutes: 1 });
      await db.query(`UPDATE login_tickets SET expires_at = now() - interval '1 second' WHERE created_at > now() - interval '1 minute'`);
      expect((await t.http.post('/auth/ticket').send(ticketBody(journey.ticket!)).expect(401)).body.error).toBe('ticket_invalid');
    });

    it('is stored only hashed and refuses unknown or malformed tickets', async () => {
      const journey = await oauthJourney(t, persona('hashed'));
      const [row] = (await db.query(`SELECT count(*)::int AS n FROM login_tickets WHERE encode(ticket_hash, 'escape') LIKE $1`, [`%${journey.ticket}%`])) as Array<{ n: number }>;
      expect(row.n).toBe(0);
      expect((await t.http.post('/auth/ticket').send({ ticket: 'A'.repeat(43) }).expect(401)).body.error).toBe('ticket_invalid');
      expect((await t.http.post('/auth/ticket').send({ ticket: 'short' }).expect(401)).body.error).toBe('ticket_invalid');
      expect((await t.http.post('/auth/ticket').send({ ticket: 42 }).expect(400)).body.error).toBe('invalid_request');
    });
  });
});
