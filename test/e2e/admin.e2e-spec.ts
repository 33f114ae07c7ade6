import { randomUUID } from 'node:crypto';
import { bearer, database, seedUser, signInAsAdmin } from '../support/admin';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

interface ListedUser {
  id: string;
  nickname: string | null;
  phone: string | null;
  status: string;
  linked: boolean;
  identities: Array<{ id: string; app: string; openid: string }>;
}

describe('admin API', () => {
  let t: TestApp;
  let admin: TokenPairBody;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signInAsAdmin(t);
  });
  afterAll(() => t.close());

  const list = async (query: Record<string, string | number>) => {
    const response = await t.http.get('/admin/api/users').query(query).set(bearer(admin.accessToken)).expect(200);
    return response.body as { items: ListedUser[]; total: number; page: number; pageSize: number; nextCursor: string | null };
  };
  const detail = async (userId: string) => (await t.http.get(`/admin/api/users/${userId}`).set(bearer(admin.accessToken)).expect(200)).body;
  const greet = (token: string) => t.http.get('/greetings').set(bearer(token));

  describe('who may use it', () => {
    const someId = randomUUID();
    const routes: Array<[string, string]> = [
      ['get', '/admin/api/stats'],
      ['get', '/admin/api/users'],
      ['get', `/admin/api/users/${someId}`],
      ['post', `/admin/api/users/${someId}/disable`],
      ['post', `/admin/api/users/${someId}/enable`],
      ['post', `/admin/api/users/${someId}/revoke-sessions`],
      ['delete', `/admin/api/users/${someId}/identities/${randomUUID()}`],
    ];

    it.each(routes)('refuses %s %s to a signed-in user without the admin role', async (method, path) => {
      const user = await loginAs(t);
      const response = await (t.http as unknown as Record<string, (path: string) => ReturnType<typeof t.http.get>>)[method](path)
        .set(bearer(user.accessToken))
        .expect(403);
      expect(response.body).toEqual({ statusCode: 403, error: 'forbidden', message: expect.any(String) });
    });

    it.each(routes)('refuses %s %s to an anonymous caller', async (method, path) => {
      const response = await (t.http as unknown as Record<string, (path: string) => ReturnType<typeof t.http.get>>)[method](path).expect(401);
      expect(response.body.error).toBe('unauthorized');
    });

    it('documents every admin route as needing a bearer token', async () => {
      const document = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { security?: unknown }>> };
      const adminPaths = Object.keys(document.paths).filter((path) => path.startsWith('/admin'));
      expect(adminPaths.sort()).toEqual([
        '/admin/api/stats',
        '/admin/api/users',
        '/admin/api/users/{id}',
        '/admin/api/users/{id}/disable',
        '/admin/api/users/{id}/enable',
        '/admin/api/users/{id}/identities/{identityId}',
        '/admin/api/users/{id}/revoke-sessions',
      ]);
      for (const path of adminPaths) {
        for (const operation of Object.values(document.paths[path])) expect(operation.security).toEqual([{ bearer: [] }]);
      }
    });

    it('lets the admin role in only from the token issued after the grant', async () => {
      const pair = await loginAs(t);
      await database(t).query(`UPDATE users SET roles = '{user,admin}' WHERE id = $1`, [pair.user.id]);
      await t.http.get('/admin/api/users').set(bearer(pair.accessToken)).expect(403);
      const refreshed = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
      await t.http.get('/admin/api/users').set(bearer(refreshed.body.accessToken)).expect(200);
    });
  });

  it('serves the page and its script to anyone (they hold no data), under a strict content security policy', async () => {
    const page = await t.http.get('/admin').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('/admin/assets/admin.js');
    const script = await t.http.get('/admin/assets/admin.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    await t.http.get('/admin/assets/admin.css').expect(200);
    await t.http.get('/admin/assets/..%2Fadmin-users.service.ts').expect(404);
    const config = await t.http.get('/admin/page-config').expect(200);
    expect(config.body.sandboxLogin).toEqual({ app: 'demo-miniprogram', appid: 'wxd000000000000001' });
    expect(JSON.stringify(config.body)).not.toMatch(/secret|sandbox0000/);
  });

  describe('listing, filters and search', () => {
    const tag = `tag${randomUUID().slice(0, 8)}`;
    const appA = `${tag}-a`;
    const appB = `${tag}-b`;
    const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    let linkedActive: Awaited<ReturnType<typeof seedUser>>;
    let unlinkedDisabled: Awaited<ReturnType<typeof seedUser>>;
    let onlyB: Awaited<ReturnType<typeof seedUser>>;

    beforeAll(async () => {
      linkedActive = await seedUser(t, {
        nickname: `${tag} Linked Alice`,
        unionid: `u-${tag}-alice`,
        phone,
        identities: [{ app: appA, unionid: `u-${tag}-alice` }, { app: appB, unionid: `u-${tag}-alice` }],
      });
      unlinkedDisabled = await seedUser(t, { nickname: `${tag} Bob`, status: 'disabled', identities: [{ app: appA }] });
      onlyB = await seedUser(t, { nickname: `${tag} Carol`, identities: [{ app: appB }] });
    });

    const ids = (items: ListedUser[]) => items.map((user) => user.id).sort();

    it('lists users with their identities, newest first, the phone masked', async () => {
      const page = await list({ q: tag });
      expect(page).toMatchObject({ total: 3, totalCapped: false, page: 1, pageSize: 20 });
      expect(page.items.map((user) => user.id)).toEqual([onlyB.id, unlinkedDisabled.id, linkedActive.id]);
      const alice = page.items.find((user) => user.id === linkedActive.id)!;
      expect(alice).toMatchObject({ linked: true, status: 'active', phone: expect.stringMatching(/^139\*{4}\d{4}$/) });
      expect(alice.identities.map((identity) => identity.app).sort()).toEqual([appA, appB]);
      expect(JSON.stringify(page)).not.toMatch(/session_?key|token/i);
    });

    it('shows the full phone on the user page only', async () => {
      expect((await detail(linkedActive.id)).phone).toBe(phone);
    });

    it.each([
      ['app', () => ({ app: appA }), () => [linkedActive.id, unlinkedDisabled.id]],
      ['another app', () => ({ app: appB }), () => [linkedActive.id, onlyB.id]],
      ['linked', () => ({ linked: 'true' }), () => [linkedActive.id]],
      ['not linked', () => ({ linked: 'false' }), () => [unlinkedDisabled.id, onlyB.id]],
      ['status disabled', () => ({ status: 'disabled' }), () => [unlinkedDisabled.id]],
      ['status active', () => ({ status: 'active' }), () => [linkedActive.id, onlyB.id]],
      ['app and status together', () => ({ app: appA, status: 'active' }), () => [linkedActive.id]],
      ['empty filters', () => ({ app: '', linked: '', status: '' }), () => [linkedActive.id, unlinkedDisabled.id, onlyB.id]],
    ])('filters by %s', async (_label, filter, expected) => {
      const page = await list({ q: tag, ...filter() });
      expect(ids(page.items)).toEqual(expected().sort());
      expect(page.total).toBe(expected().length);
    });

    it.each([
      ['the user id', () => linkedActive.id, () => [linkedActive.id]],
      ['part of the nickname, in any case', () => `${tag} linked ali`, () => [linkedActive.id]],
      ['an openid', () => unlinkedDisabled.openids[0], () => [unlinkedDisabled.id]],
      ['a unionid', () => `u-${tag}-alice`, () => [linkedActive.id]],
      ['the phone number', () => phone, () => [linkedActive.id]],
      ['a wildcard taken literally', () => `${tag}%`, () => []],
    ])('searches by %s', async (_label, q, expected) => {
      const page = await list({ q: q() });
      expect(ids(page.items)).toEqual(expected().sort());
    });

    it('finds an openid under every app that has it, the first and the last appid included', async () => {
      // An openid is unique only within its app: two people may hold the same one in two apps.
      const openid = `o-${tag}-shared`;
      const first = await seedUser(t, { identities: [{ app: appA, appid: 'wx0000000000000000', openid }] });
      const last = await seedUser(t, { identities: [{ app: appB, appid: 'wxzzzzzzzzzzzzzzzz', openid }] });
      // The admin's own sign-in left a demo app's identity between the two appids: the walk must pass it.
      expect(ids((await list({ q: openid })).items)).toEqual([first.id, last.id].sort());
    });

    it('rejects unknown filters and malformed values', async () => {
      for (const query of [{ linked: 'yes' }, { status: 'banned' }, { app: 'Not A Key' }, { sort: 'nickname' }, { q: 'x'.repeat(129) }]) {
        const response = await t.http.get('/admin/api/users').query(query).set(bearer(admin.accessToken)).expect(400);
        expect(response.body.error).toBe('invalid_request');
      }
    });
  });

  describe('paging', () => {
    it.each([
      [{ pageSize: 101 }],
      [{ pageSize: 0 }],
      [{ page: -1 }],
      [{ page: 0 }],
      [{ page: 1.5 }],
      [{ page: 'two' }],
    ])('refuses %j', async (query) => {
      const response = await t.http.get('/admin/api/users').query(query).set(bearer(admin.accessToken)).expect(400);
      expect(response.body.error).toBe('invalid_request');
    });

    it('accepts pageSize 100 and walks pages without overlap', async () => {
      const tag = `page${randomUUID().slice(0, 8)}`;
      for (let i = 0; i < 5; i++) await seedUser(t, { nickname: `${tag}-${i}` });
      expect((await list({ pageSize: 100 })).pageSize).toBe(100);
      const pages = [await list({ q: tag, pageSize: 2, page: 1 }), await list({ q: tag, pageSize: 2, page: 2 }), await list({ q: tag, pageSize: 2, page: 3 })];
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const names = pages.flatMap((page) => page.items.map((user) => user.nickname));
      expect(names).toEqual([4, 3, 2, 1, 0].map((i) => `${tag}-${i}`));
      const beyond = await list({ q: tag, pageSize: 2, page: 4 });
      expect(beyond).toMatchObject({ items: [], total: 5, page: 4 });
    });
  });

  describe('paging by cursor', () => {
    it('follows nextCursor through the same users as page numbers, also among users created at the same instant', async () => {
      const tag = `cursor${randomUUID().slice(0, 8)}`;
      // One statement: every one of them has the same created_at, so only the id orders them.
      await database(t).query(`INSERT INTO users (nickname) SELECT $1 || '-' || g FROM generate_series(1, 7) AS g`, [tag]);
      const byNumber = [1, 2, 3].map((page) => list({ q: tag, pageSize: 3, page }));
      const byCursor: Array<Awaited<ReturnType<typeof list>>> = [await list({ q: tag, pageSize: 3 })];
      while (byCursor[byCursor.length - 1].nextCursor) byCursor.push(await list({ q: tag, pageSize: 3, after: byCursor[byCursor.length - 1].nextCursor! }));
      const ids = (pages: Array<{ items: ListedUser[] }>) => pages.flatMap((page) => page.items.map((user) => user.id));
      expect(byCursor.map((page) => page.items.length)).toEqual([3, 3, 1]);
      expect(ids(byCursor)).toEqual(ids(await Promise.all(byNumber)));
      expect(new Set(ids(byCursor)).size).toBe(7);
      expect(byCursor[2]).toMatchObject({ total: 7, nextCursor: null });
    });

    it.each([
      ['not base64url', { after: 'not a cursor!' }],
      ['not a cursor', { after: Buffer.from('12345.not-a-uuid').toString('base64url') }],
      ['with a page number', { page: 2, after: Buffer.from(`1700000000000000.${randomUUID()}`).toString('base64url') }],
      ['beyond a bigint', { after: Buffer.from(`9999999999999999999.${randomUUID()}`).toString('base64url') }],
      ['below a bigint', { after: Buffer.from(`-9999999999999999999.${randomUUID()}`).toString('base64url') }],
      ['after the year 9999', { after: Buffer.from(`253402300800000000.${randomUUID()}`).toString('base64url') }],
      ['before the year 1', { after: Buffer.from(`-62135596800000001.${randomUUID()}`).toString('base64url') }],
      ['with leading zeros', { after: Buffer.from(`01700000000000000.${randomUUID()}`).toString('base64url') }],
      ['with an id in capitals', { after: Buffer.from(`1700000000000000.${randomUUID().toUpperCase()}`).toString('base64url') }],
      ['with an id that is no uuid', { after: Buffer.from('1700000000000000.0000000g-0000-0000-0000-000000000000').toString('base64url') }],
    ])('refuses a cursor %s', async (_case, query) => {
      const response = await t.http.get('/admin/api/users').query(query).set(bearer(admin.accessToken)).expect(400);
      expect(response.body.error).toBe('invalid_request');
    });

    it('takes cursors at the first and the last instant a list can give', async () => {
      const after = (micros: string) => Buffer.from(`${micros}.${randomUUID()}`).toString('base64url');
      expect((await list({ after: after('-62135596800000000'), pageSize: 1 })).items).toEqual([]);
      expect((await list({ after: after('253402300799999999'), pageSize: 1 })).items).toHaveLength(1);
    });
  });

  it('counts a list up to 1,000 matches and says there are more, filtered or not', async () => {
    const tag = `many${randomUUID().slice(0, 8)}`;
    await database(t).query(`INSERT INTO users (nickname) SELECT $1 || '-' || g FROM generate_series(1, 1001) AS g`, [tag]);
    try {
      const first = await list({ q: tag, pageSize: 100 });
      expect(first).toMatchObject({ total: 1_000, totalCapped: true });
      expect(first.items).toHaveLength(100);
      // Every match is still reachable past the cap.
      const last = await list({ q: tag, pageSize: 100, page: 11 });
      expect(last.items).toHaveLength(1);
      expect(last.items[0].nickname).toMatch(new RegExp(`^${tag}-\\d+$`));
      expect(await list({})).toMatchObject({ total: 1_000, totalCapped: true });
    } finally {
      await database(t).query(`DELETE FROM users WHERE nickname LIKE $1`, [`${tag}-%`]);
    }
  });

  describe('actions', () => {
    it('answers not_found for a user or an identity that does not exist', async () => {
      for (const [method, path] of [
        ['get', `/admin/api/users/${randomUUID()}`],
        ['get', '/admin/api/users/not-a-uuid'],
        ['post', `/admin/api/users/${randomUUID()}/disable`],
        ['post', `/admin/api/users/${randomUUID()}/revoke-sessions`],
        ['delete', `/admin/api/users/${admin.user.id}/identities/${randomUUID()}`],
      ]) {
        const response = await (t.http as unknown as Record<string, (path: string) => ReturnType<typeof t.http.get>>)[method](path).set(bearer(admin.accessToken));
        expect([path, response.status, response.body.error]).toEqual([path, 404, 'not_found']);
      }
    });

    it('disables a user: its token is refused at once, refresh and login say user_disabled; enabling lets it back in', async () => {
      const user = persona('disable');
      const pair = await loginAs(t, user);
      await greet(pair.accessToken).expect(200);

      const disabled = await t.http.post(`/admin/api/users/${pair.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);
      expect(disabled.body).toMatchObject({ id: pair.user.id, status: 'disabled' });

      expect((await greet(pair.accessToken).expect(403)).body.error).toBe('user_disabled');
      expect((await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(403)).body.error).toBe('user_disabled');
      const login = await t.http.post('/auth/wechat/miniprogram/login').send({ code: await wxLogin(t, user) }).expect(403);
      expect(login.body.error).toBe('user_disabled');
      const afterDisable = await detail(pair.user.id);
      expect(afterDisable.sessions).toEqual([]);
      expect(afterDisable.loginEvents[0]).toMatchObject({ kind: 'miniprogram', result: 'failure', errorCode: 'user_disabled' });

      const enabled = await t.http.post(`/admin/api/users/${pair.user.id}/enable`).set(bearer(admin.accessToken)).expect(200);
      expect(enabled.body.status).toBe('active');
      const again = await loginAs(t, user);
      expect(again.user).toMatchObject({ id: pair.user.id, isNew: false });
      await greet(again.accessToken).expect(200);
      // The sessions that disabling ended stay ended.
      expect((await greet(pair.accessToken).expect(401)).body.error).toBe('session_revoked');
    });

    it('refuses every token of logins racing the disable', async () => {
      const user = persona('race');
      const first = await loginAs(t, user);
      const codes = await Promise.all([1, 2, 3, 4].map(() => wxLogin(t, user)));
      const [, ...logins] = await Promise.all([
        t.http.post(`/admin/api/users/${first.user.id}/disable`).set(bearer(admin.accessToken)),
        ...codes.map((code) => t.http.post('/auth/wechat/miniprogram/login').send({ code })),
      ]);
      const tokens = [first, ...logins.filter((login) => login.status === 200).map((login) => login.body as TokenPairBody)];
      for (const pair of tokens) {
        expect((await greet(pair.accessToken)).status).not.toBe(200);
        expect((await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken })).status).not.toBe(200);
      }
      expect(logins.every((login) => login.status === 200 || login.body.error === 'user_disabled')).toBe(true);
    });

    it('refuses to let an admin disable itself', async () => {
      const response = await t.http.post(`/admin/api/users/${admin.user.id}/disable`).set(bearer(admin.accessToken)).expect(400);
      expect(response.body.error).toBe('invalid_request');
    });

    it('ends all sessions of a user', async () => {
      const user = persona('sessions');
      const [one, two] = [await loginAs(t, user), await loginAs(t, user)];
      expect((await detail(one.user.id)).sessions).toHaveLength(2);

      const response = await t.http.post(`/admin/api/users/${one.user.id}/revoke-sessions`).set(bearer(admin.accessToken)).expect(200);
      expect(response.body).toEqual({ revoked: 2 });
      for (const pair of [one, two]) {
        expect((await greet(pair.accessToken).expect(401)).body.error).toBe('session_revoked');
        expect((await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401)).body.error).toBe('session_revoked');
      }
      await greet((await loginAs(t, user)).accessToken).expect(200);
    });

    it('unbinds an identity: its sessions end and its next login makes a new user', async () => {
      const user = persona('unbind');
      const pair = await loginAs(t, user);
      const [identity] = (await detail(pair.user.id)).identities as Array<{ id: string }>;

      await t.http.delete(`/admin/api/users/${pair.user.id}/identities/${identity.id}`).set(bearer(admin.accessToken)).expect(204);
      const after = await detail(pair.user.id);
      expect(after).toMatchObject({ identities: [], linked: false, unionid: null });
      expect((await greet(pair.accessToken).expect(401)).body.error).toBe('session_revoked');

      const again = await loginAs(t, user);
      expect(again.user.isNew).toBe(true);
      expect(again.user.id).not.toBe(pair.user.id);
      await t.http.delete(`/admin/api/users/${pair.user.id}/identities/${identity.id}`).set(bearer(admin.accessToken)).expect(404);
    });

    it('records every admin action in the user\'s history: who, what, when, from where', async () => {
      const pair = await loginAs(t, persona('history'));
      const [identity] = (await detail(pair.user.id)).identities as Array<{ id: string }>;
      const as = (request: ReturnType<typeof t.http.post>) => request.set(bearer(admin.accessToken)).set('user-agent', 'admin-browser/1.0');
      await as(t.http.post(`/admin/api/users/${pair.user.id}/disable`)).expect(200);
      await as(t.http.post(`/admin/api/users/${pair.user.id}/enable`)).expect(200);
      await as(t.http.post(`/admin/api/users/${pair.user.id}/revoke-sessions`)).expect(200);
      await as(t.http.delete(`/admin/api/users/${pair.user.id}/identities/${identity.id}`)).expect(204);

      const events = (await detail(pair.user.id)).loginEvents as Array<Record<string, unknown>>;
      expect(events.map((event) => event.kind)).toEqual(['admin_unbind_identity', 'admin_revoke_sessions', 'admin_enable', 'admin_disable', 'miniprogram']);
      for (const event of events.slice(0, 4)) {
        expect(event).toMatchObject({
          result: 'success',
          userAgent: 'admin-browser/1.0',
          ip: expect.any(String),
          createdAt: expect.any(String),
          detail: expect.objectContaining({ adminId: admin.user.id }),
        });
      }
      expect(events[0]).toMatchObject({ app: 'demo-miniprogram', detail: expect.objectContaining({ identityId: identity.id }) });
    });
  });
});
