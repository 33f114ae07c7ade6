import { DataSource } from 'typeorm';
import { AccessTokenService } from '../../src/wechat-auth/tokens/access-token.service';
import { bearer, signInAsAdmin } from '../support/admin';
import { LifecycleRecorder, LifecycleTestModule } from '../support/lifecycle/lifecycle-recorder';
import { oauthJourney, redeemTicket } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody, uniquePhone, wxLogin } from '../support/test-app';

/** A person deletes their own account (注销账号). */
describe('account deletion', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({}, [LifecycleTestModule]);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const deleteAccount = (accessToken: string) => t.http.delete('/auth/me').set(bearer(accessToken));

  /** An access token of the same session whose sign-in was `minutesAgo` minutes ago (a refresh keeps the sign-in time). */
  function tokenSignedInAgo(pair: TokenPairBody, minutesAgo: number): string {
    const claims = JSON.parse(Buffer.from(pair.accessToken.split('.')[1], 'base64url').toString()) as { sid: string };
    return t.app.get(AccessTokenService).sign(pair.user, claims.sid, new Date(Date.now() - minutesAgo * 60_000));
  }

  it('asks for a recent sign-in: a token whose sign-in is over 5 minutes old is refused, and so is one handed over from it', async () => {
    const pair = await loginAs(t, persona('stale'));
    const stale = tokenSignedInAgo(pair, 6);
    const refused = await deleteAccount(stale).expect(403);
    expect(refused.body).toEqual({ statusCode: 403, error: 'reauthentication_required', message: expect.any(String) });

    // A web-view hand-off opens a new session, but not a new sign-in.
    const handOff = await t.http.post('/auth/tickets').set(bearer(stale)).expect(200);
    const page = await redeemTicket(t, handOff.body.ticket);
    expect((await deleteAccount(page.accessToken).expect(403)).body.error).toBe('reauthentication_required');

    // A refresh keeps the sign-in time too.
    const refreshed = (await t.http.post('/auth/refresh').send({ refreshToken: page.refreshToken }).expect(200)).body as TokenPairBody;
    expect((await deleteAccount(refreshed.accessToken).expect(403)).body.error).toBe('reauthentication_required');
    await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200);
  });

  it('deletes everything personal at once, leaves a tombstone, and the same WeChat account signs up anew', async () => {
    const user = persona('leaving');
    const other = await loginAs(t, user);
    // An unredeemed OAuth ticket of the same person, and a note in the example module.
    const journey = await oauthJourney(t, user, { scope: 'snsapi_userinfo' });
    const pair = await loginAs(t, user);
    const phone = uniquePhone();
    await db.query(`UPDATE users SET phone = $2 WHERE id = $1`, [pair.user.id, `+86${phone}`]);
    await t.http.post('/notes').set(bearer(pair.accessToken)).send({ text: 'my secret plans' }).expect(201);

    await deleteAccount(pair.accessToken).expect(204);

    expect((await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(401)).body.error).toBe('session_revoked');
    await t.http.get('/auth/me').set(bearer(other.accessToken)).expect(401);
    expect((await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401)).body.error).toBe('session_revoked');
    expect((await t.http.post('/auth/ticket').send({ ticket: journey.ticket }).expect(401)).body.error).toBe('ticket_invalid');

    const [tombstone] = (await db.query(`SELECT * FROM users WHERE id = $1`, [pair.user.id])) as Array<Record<string, unknown>>;
    expect(tombstone).toMatchObject({ status: 'deleted', unionid: null, nickname: null, avatar_url: null, phone: null, roles: [], last_login_at: null });
    expect(tombstone.deleted_at).toBeInstanceOf(Date);
    expect(await db.query(`SELECT 1 FROM wechat_identities WHERE user_id = $1`, [pair.user.id])).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM notes WHERE user_id = $1`, [pair.user.id])).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM sessions WHERE user_id = $1 AND (revoked_at IS NULL OR ip IS NOT NULL OR user_agent IS NOT NULL)`, [pair.user.id])).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM login_events WHERE user_id = $1 AND (ip IS NOT NULL OR user_agent IS NOT NULL OR detail IS NOT NULL)`, [pair.user.id])).toHaveLength(0);
    expect(t.app.get(LifecycleRecorder).events.filter((event) => event.event === 'user.deleted' && event.userId === pair.user.id)).toEqual([
      { event: 'user.deleted', userId: pair.user.id, inTransaction: true },
    ]);

    // The admin sees a deleted user and nothing of the person.
    const admin = await signInAsAdmin(t);
    const detail = (await t.http.get(`/admin/api/users/${pair.user.id}`).set(bearer(admin.accessToken)).expect(200)).body;
    expect(detail).toMatchObject({ status: 'deleted', nickname: null, phone: null, unionid: null, identities: [], sessions: [] });
    expect(JSON.stringify(detail)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|my secret plans|${phone}`));
    const listed = (await t.http.get('/admin/api/users').query({ status: 'deleted', q: pair.user.id }).set(bearer(admin.accessToken)).expect(200)).body;
    expect(listed.items).toEqual([expect.objectContaining({ id: pair.user.id, status: 'deleted', nickname: null, identities: [] })]);
    expect((await t.http.post(`/admin/api/users/${pair.user.id}/enable`).set(bearer(admin.accessToken)).expect(404)).body.error).toBe('not_found');

    const again = await loginAs(t, user);
    expect(again.user.isNew).toBe(true);
    expect(again.user.id).not.toBe(pair.user.id);
  });

  it('erases what WeChat said about the person’s last code, and their phone conflicts; that code presented again signs nobody up', async () => {
    const code = await wxLogin(t, persona('erased'));
    const pair = (await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(200)).body as TokenPairBody;
    const [identity] = (await db.query(`SELECT openid, unionid FROM wechat_identities WHERE user_id = $1`, [pair.user.id])) as Array<{ openid: string; unionid: string }>;
    expect(identity.unionid).toEqual(expect.any(String));
    const exchangesNamingThem = () =>
      db.query(`SELECT 1 FROM code_exchanges WHERE identity->>'openid' = $1 OR identity->>'unionid' = $2 OR identity::text LIKE '%' || $1 || '%'`, [identity.openid, identity.unionid]);
    expect(await exchangesNamingThem()).toHaveLength(1);
    // As the migration that made the verified phone unique reports a number this user lost to another.
    const keeper = await loginAs(t);
    await db.query(`INSERT INTO phone_conflicts (user_id, phone, kept_by_user_id) VALUES ($1, $2, $3)`, [pair.user.id, `+86${uniquePhone()}`, keeper.user.id]);

    await deleteAccount(pair.accessToken).expect(204);

    expect(await exchangesNamingThem()).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM phone_conflicts WHERE user_id = $1`, [pair.user.id])).toHaveLength(0);
    // Still within the window where copies of a code share its first answer: the answer is gone, the code is spent.
    const copy = await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(409);
    expect(copy.body.error).toBe('wechat_code_used');
    expect(await db.query(`SELECT 1 FROM wechat_identities WHERE openid = $1`, [identity.openid])).toHaveLength(0);
  });

  it('is refused without a token', async () => {
    expect((await t.http.delete('/auth/me').expect(401)).body.error).toBe('unauthorized');
  });

  it('leaves either a deleted user with no live session or a new user when the person signs in at the same moment', async () => {
    for (let round = 0; round < 10; round++) {
      const user = persona('racing');
      const pair = await loginAs(t, user);
      const code = await wxLogin(t, user);
      const [deletion, login] = await Promise.all([deleteAccount(pair.accessToken), t.http.post('/auth/wechat/miniprogram/login').send({ code })]);
      expect(deletion.status).toBe(204);
      const live = (await db.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [pair.user.id])) as Array<{ n: number }>;
      expect(live[0].n).toBe(0);
      if (login.status === 200 && login.body.user.id === pair.user.id) {
        // Signed in just before the deletion: that session ended with it.
        expect((await t.http.get('/auth/me').set(bearer(login.body.accessToken))).status).toBe(401);
      } else if (login.status === 200) {
        expect(login.body.user.isNew).toBe(true);
      } else {
        expect(login.body).toEqual({ statusCode: 401, error: 'session_revoked', message: expect.any(String) });
      }
      // The tombstone took nothing of the racing login.
      const [tombstone] = (await db.query(`SELECT last_login_at, nickname FROM users WHERE id = $1`, [pair.user.id])) as Array<Record<string, unknown>>;
      expect(tombstone).toEqual({ last_login_at: null, nickname: null });
      const [{ identities }] = (await db.query(`SELECT count(*)::int AS identities FROM wechat_identities WHERE user_id = $1`, [pair.user.id])) as Array<{ identities: number }>;
      expect(identities).toBe(0);
    }
  });
});
