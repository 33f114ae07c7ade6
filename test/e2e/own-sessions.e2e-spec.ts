import { randomUUID } from 'node:crypto';
import { bearer } from '../support/admin';
import { MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

interface SessionItem {
  id: string;
  app: string | null;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** A signed-in person looks at where they are signed in and ends some or all of it. */
describe('own sessions and the web-view hand-off', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function signIn(user: string, device: string): Promise<TokenPairBody> {
    const code = await wxLogin(t, user);
    return (await t.http.post('/auth/wechat/miniprogram/login').set('user-agent', device).send({ code }).expect(200)).body as TokenPairBody;
  }

  async function sessionsOf(pair: TokenPairBody): Promise<SessionItem[]> {
    const response = await t.http.get('/auth/sessions').set(bearer(pair.accessToken)).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    return response.body.items as SessionItem[];
  }

  const works = (pair: TokenPairBody) => t.http.get('/auth/me').set(bearer(pair.accessToken));

  it('lists every place the person is signed in, marking the current one', async () => {
    const user = persona('devices');
    const phone = await signIn(user, 'phone/1.0');
    const tablet = await signIn(user, 'tablet/2.0');
    const items = await sessionsOf(tablet);
    expect(items).toHaveLength(2);
    expect(items.map((item) => [item.userAgent, item.current]).sort()).toEqual([
      ['phone/1.0', false],
      ['tablet/2.0', true],
    ]);
    for (const item of items) {
      expect(item).toEqual({
        id: expect.any(String),
        app: MINIPROGRAM.key,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        ip: expect.stringMatching(/127\.0\.0\.1/),
        userAgent: expect.any(String),
        current: expect.any(Boolean),
      });
    }
    expect(JSON.stringify(items)).not.toContain(phone.refreshToken);
  });

  it('ends another session at once: its access and refresh tokens are refused', async () => {
    const user = persona('lost-phone');
    const lost = await signIn(user, 'lost phone');
    const kept = await signIn(user, 'new phone');
    const lostId = (await sessionsOf(kept)).find((item) => !item.current)!.id;

    await t.http.delete(`/auth/sessions/${lostId}`).set(bearer(kept.accessToken)).expect(204);
    expect((await works(lost)).status).toBe(401);
    expect((await t.http.post('/auth/refresh').send({ refreshToken: lost.refreshToken }).expect(401)).body.error).toBe('session_revoked');
    await works(kept).expect(200);
    expect((await sessionsOf(kept)).map((item) => item.id)).not.toContain(lostId);
  });

  it('ends the current session like a logout', async () => {
    const pair = await signIn(persona('self'), 'phone');
    const [own] = await sessionsOf(pair);
    await t.http.delete(`/auth/sessions/${own.id}`).set(bearer(pair.accessToken)).expect(204);
    expect((await works(pair)).status).toBe(401);
  });

  it('answers not_found for another person’s session, an unknown id and a malformed one, ending nothing', async () => {
    const victim = await signIn(persona('victim'), 'phone');
    const attacker = await signIn(persona('attacker'), 'phone');
    const [victimSession] = await sessionsOf(victim);
    for (const id of [victimSession.id, randomUUID(), 'not-a-uuid']) {
      const response = await t.http.delete(`/auth/sessions/${id}`).set(bearer(attacker.accessToken)).expect(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'not_found', message: expect.any(String) });
    }
    await works(victim).expect(200);
  });

  it('logs out everywhere, the current session included', async () => {
    const user = persona('everywhere');
    const pairs = [await signIn(user, 'a'), await signIn(user, 'b'), await signIn(user, 'c')];
    const bystander = await signIn(persona('bystander'), 'd');
    await t.http.post('/auth/logout-all').set(bearer(pairs[2].accessToken)).expect(204);
    for (const pair of pairs) {
      expect((await works(pair)).status).toBe(401);
      await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    }
    await works(bystander).expect(200);
  });

  it('refuses all of this without a token', async () => {
    await t.http.get('/auth/sessions').expect(401);
    await t.http.delete(`/auth/sessions/${randomUUID()}`).expect(401);
    await t.http.post('/auth/logout-all').expect(401);
    await t.http.post('/auth/tickets').expect(401);
  });

  it('hands a Mini Program login to an H5 page: one ticket, one new session of the same user, once', async () => {
    const miniProgram = await signIn(persona('web-view'), 'mini program');
    const handOff = await t.http.post('/auth/tickets').set(bearer(miniProgram.accessToken)).expect(200);
    expect(handOff.headers['cache-control']).toBe('no-store');
    expect(handOff.body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresIn: 60 });

    const [first, second] = await Promise.all([
      t.http.post('/auth/ticket').send({ ticket: handOff.body.ticket }),
      t.http.post('/auth/ticket').send({ ticket: handOff.body.ticket }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 401]);
    const page = (first.status === 200 ? first : second).body as TokenPairBody;
    const refused = first.status === 200 ? second : first;
    expect(refused.body.error).toBe('ticket_invalid');
    expect(page.user).toMatchObject({ id: miniProgram.user.id, isNew: false });
    const sessions = await sessionsOf(page);
    expect(sessions).toHaveLength(2);
    expect(sessions.find((item) => item.current)!.app).toBe(MINIPROGRAM.key);
  });
});
