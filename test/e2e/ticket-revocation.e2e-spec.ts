import { DataSource } from 'typeorm';
import { bearer, signInAsAdmin } from '../support/admin';
import { OFFICIAL_ACCOUNT, onApp } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody } from '../support/test-app';

/** A ticket a session asked for is good only while that session lives: every way of ending it stops the ticket too. */
describe('tickets that outlive a log-out', () => {
  let t: TestApp;
  let admin: TokenPairBody;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signInAsAdmin(t);
  });
  afterAll(() => t.close());

  const handOff = async (pair: TokenPairBody) => (await t.http.post('/auth/tickets').set(bearer(pair.accessToken)).expect(200)).body.ticket as string;
  const trade = (ticket: string) => t.http.post('/auth/ticket').send({ ticket });

  async function expectRefused(ticket: string): Promise<void> {
    const refused = await trade(ticket).expect(401);
    expect(refused.body).toEqual({ statusCode: 401, error: 'ticket_invalid', message: expect.any(String) });
    // Spent by the refusal: nobody gets it later either.
    expect((await trade(ticket).expect(401)).body.error).toBe('ticket_invalid');
  }

  describe('a hand-off ticket (POST /auth/tickets)', () => {
    it('opens a session of the same user while the session that asked for it lives', async () => {
      const pair = await loginAs(t, persona('handoff'));
      const traded = await trade(await handOff(pair)).expect(200);
      expect(traded.body.user.id).toBe(pair.user.id);
    });

    it('is refused once its user logged out everywhere', async () => {
      const pair = await loginAs(t, persona('handoff'));
      const ticket = await handOff(pair);
      await t.http.post('/auth/logout-all').set(bearer(pair.accessToken)).expect(204);
      await expectRefused(ticket);
    });

    it('is refused once the session that asked for it logged out, though the user has others', async () => {
      const user = persona('handoff');
      const [pair, other] = [await loginAs(t, user), await loginAs(t, user)];
      const ticket = await handOff(pair);
      await t.http.post('/auth/logout').set(bearer(pair.accessToken)).expect(204);
      await expectRefused(ticket);
      await t.http.get('/auth/me').set(bearer(other.accessToken)).expect(200);
    });

    it('is refused once an admin ended the user’s sessions', async () => {
      const pair = await loginAs(t, persona('handoff'));
      const ticket = await handOff(pair);
      await t.http.post(`/admin/api/users/${pair.user.id}/revoke-sessions`).set(bearer(admin.accessToken)).expect(200);
      await expectRefused(ticket);
    });

    it('is refused once the user was disabled, even after they are enabled again', async () => {
      const pair = await loginAs(t, persona('handoff'));
      const [whileDisabled, afterEnabled] = [await handOff(pair), await handOff(pair)];
      await t.http.post(`/admin/api/users/${pair.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);
      await expectRefused(whileDisabled);
      await t.http.post(`/admin/api/users/${pair.user.id}/enable`).set(bearer(admin.accessToken)).expect(200);
      await expectRefused(afterEnabled);
    });

    it('traded at the same moment as log-out everywhere, either fails or opens a session that is itself ended', async () => {
      for (let round = 0; round < 78; round++) {
        const pair = await loginAs(t, persona('race'));
        const ticket = await handOff(pair);
        // The trade is sent (then() sends it) 0 to 12 ms before log-out everywhere: across the rounds they meet inside the database in either order.
        const trading = trade(ticket).then((response) => response);
        await new Promise((resolve) => setTimeout(resolve, round % 13));
        const [loggedOut, traded] = await Promise.all([t.http.post('/auth/logout-all').set(bearer(pair.accessToken)), trading]);
        expect(loggedOut.status).toBe(204);
        if (traded.status === 401) {
          expect(traded.body.error).toBe('ticket_invalid');
          continue;
        }
        expect(traded.status).toBe(200);
        const opened = traded.body as TokenPairBody;
        expect((await t.http.get('/auth/me').set(bearer(opened.accessToken)).expect(401)).body.error).toBe('session_revoked');
        expect((await t.http.post('/auth/refresh').send({ refreshToken: opened.refreshToken }).expect(401)).body.error).toBe('session_revoked');
      }
    });
  });

  describe('a bind ticket (#bindTicket= of POST /auth/wechat/oauth/:app/bind)', () => {
    /** The signed-in person starts a bind, consents on WeChat's page as themselves, and lands on #bindTicket=. */
    async function bindTicketFor(pair: TokenPairBody, user: string): Promise<string> {
      const url = (await t.http.post(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/bind`).set(bearer(pair.accessToken)).send({ returnTo: '/settings' }).expect(200))
        .body.url as string;
      const page = new URL(url.split('#')[0]);
      page.searchParams.set('user', user);
      const back = await t.http.get(onApp(t, page.toString())).expect(302);
      const landing = await t.http.get(onApp(t, back.headers.location as string)).expect(302);
      return new URLSearchParams((landing.headers.location as string).split('#')[1]).get('bindTicket')!;
    }
    const confirm = (pair: TokenPairBody, bindTicket: string) => t.http.post('/auth/bind/confirm').set(bearer(pair.accessToken)).send({ bindTicket });
    const identities = async (pair: TokenPairBody) => ((await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body.identities as unknown[]).length;

    it('cannot be confirmed after the session that started the bind logged out', async () => {
      const user = persona('binder');
      const pair = await loginAs(t, user);
      const bindTicket = await bindTicketFor(pair, user);
      await t.http.post('/auth/logout').set(bearer(pair.accessToken)).expect(204);
      expect((await confirm(pair, bindTicket).expect(401)).body.error).toBe('session_revoked');
    });

    it('is refused and burnt when its session has ended though the caller’s access token is still accepted', async () => {
      const user = persona('binder');
      const pair = await loginAs(t, user);
      const bindTicket = await bindTicketFor(pair, user);
      // The session's lifetime ran out between WeChat's callback and the confirmation; its access token lives on for minutes.
      await t.app.get(DataSource).query(`UPDATE sessions SET expires_at = now() WHERE user_id = $1`, [pair.user.id]);
      expect((await confirm(pair, bindTicket).expect(401)).body.error).toBe('ticket_invalid');
      expect(await identities(pair)).toBe(1);
    });
  });
});
