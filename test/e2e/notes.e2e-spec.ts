import { DataSource } from 'typeorm';
import { bearer } from '../support/admin';
import { FailingMergeSubscriber, LifecycleTestModule } from '../support/lifecycle/lifecycle-recorder';
import { oauthLogin, setPersona } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

/** The example module: notes per user that survive merges whole. */
describe('notes, the example module with data', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({}, [LifecycleTestModule]);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const write = (pair: TokenPairBody, text: string) => t.http.post('/notes').set(bearer(pair.accessToken)).send({ text });
  const notesOf = async (pair: TokenPairBody) => ((await t.http.get('/notes').set(bearer(pair.accessToken)).expect(200)).body.items as Array<{ text: string }>).map((note) => note.text);

  it('keeps each user’s notes, newest first, visible to nobody else', async () => {
    const alice = await loginAs(t, persona('alice'));
    const bob = await loginAs(t, persona('bob'));
    const created = await write(alice, 'first').expect(201);
    expect(created.body).toEqual({ id: expect.any(String), text: 'first', createdAt: expect.any(String) });
    await write(alice, 'second').expect(201);
    await write(bob, 'bob’s').expect(201);
    expect(await notesOf(alice)).toEqual(['second', 'first']);
    expect(await notesOf(bob)).toEqual(['bob’s']);
  });

  it.each([
    ['an empty text', { text: '' }],
    ['501 characters', { text: 'x'.repeat(501) }],
    ['a number', { text: 42 }],
    ['no text', {}],
    ['an extra field', { text: 'ok', userId: '00000000-0000-0000-0000-000000000000' }],
  ])('refuses %s with invalid_request', async (_label, body) => {
    const pair = await loginAs(t);
    const response = await t.http.post('/notes').set(bearer(pair.accessToken)).send(body).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_request', message: expect.any(String) });
    expect(await notesOf(pair)).toEqual([]);
  });

  it('accepts 500 characters and is closed without a token', async () => {
    await write(await loginAs(t), 'x'.repeat(500)).expect(201);
    expect((await t.http.get('/notes').expect(401)).body.error).toBe('unauthorized');
    expect((await t.http.post('/notes').send({ text: 'hi' }).expect(401)).body.error).toBe('unauthorized');
  });

  /**
   * One person, two users: the Mini Program first without a unionid, then the
   * Official Account with it. Their next Mini Program login brings the unionid
   * and merges the Mini Program user into the Official Account one.
   */
  async function twoUsersOfOnePerson(): Promise<{ user: string; miniProgram: TokenPairBody; officialAccount: TokenPairBody }> {
    const user = persona('merge-notes');
    await setPersona(t, { user, unionidWithheld: true });
    const miniProgram = await loginAs(t, user);
    await setPersona(t, { user, unionidWithheld: false });
    const officialAccount = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    expect(officialAccount.user.id).not.toBe(miniProgram.user.id);
    await write(miniProgram, 'written in the Mini Program').expect(201);
    await write(officialAccount, 'written in the Official Account').expect(201);
    return { user, miniProgram, officialAccount };
  }

  const orphans = async () => ((await db.query(`SELECT count(*)::int AS n FROM notes WHERE user_id NOT IN (SELECT id FROM users)`)) as Array<{ n: number }>)[0].n;

  it('moves the merged-away user’s notes to the survivor in the merge’s transaction', async () => {
    const { user, miniProgram, officialAccount } = await twoUsersOfOnePerson();
    const merged = await loginAs(t, user);
    expect(merged.user.id).toBe(officialAccount.user.id);
    expect((await notesOf(merged)).sort()).toEqual(['written in the Mini Program', 'written in the Official Account']);
    expect(await db.query(`SELECT 1 FROM users WHERE id = $1`, [miniProgram.user.id])).toHaveLength(0);
    expect(await orphans()).toBe(0);
  });

  it('undoes the whole merge when a subscriber fails, records the failure, and merges at the next login', async () => {
    const { user, miniProgram, officialAccount } = await twoUsersOfOnePerson();
    const subscriber = t.app.get(FailingMergeSubscriber);
    subscriber.failing = true;
    try {
      const device = `merge-failure-${user}`;
      const refused = await t.http.post('/auth/wechat/miniprogram/login').set('user-agent', device).send({ code: await wxLogin(t, user) }).expect(503);
      expect(refused.body).toEqual({ statusCode: 503, error: 'service_unavailable', message: expect.any(String) });

      // Both users, their identities and their notes are as they were.
      expect(await notesOf(miniProgram)).toEqual(['written in the Mini Program']);
      expect(await notesOf(officialAccount)).toEqual(['written in the Official Account']);
      const owners = (await db.query(`SELECT DISTINCT user_id FROM wechat_identities WHERE user_id = ANY($1)`, [[miniProgram.user.id, officialAccount.user.id]])) as unknown[];
      expect(owners).toHaveLength(2);
      const [failure] = (await db.query(`SELECT result, error_code FROM login_events WHERE user_agent = $1`, [device])) as Array<{ result: string; error_code: string }>;
      expect(failure).toEqual({ result: 'failure', error_code: 'service_unavailable' });
    } finally {
      subscriber.failing = false;
    }

    const merged = await loginAs(t, user);
    expect(merged.user.id).toBe(officialAccount.user.id);
    expect((await notesOf(merged)).sort()).toEqual(['written in the Mini Program', 'written in the Official Account']);
    expect(await orphans()).toBe(0);
  });
});
