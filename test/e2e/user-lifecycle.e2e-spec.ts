import { bearer, signInAsAdmin } from '../support/admin';
import { LifecycleRecorder, LifecycleTestModule } from '../support/lifecycle/lifecycle-recorder';
import { oauthLogin, setPersona } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

/** What a host module subscribed to the user lifecycle is told, and how often. */
describe('user lifecycle events', () => {
  let t: TestApp;
  let recorder: LifecycleRecorder;

  beforeAll(async () => {
    t = await startTestApp({}, [LifecycleTestModule]);
    recorder = t.app.get(LifecycleRecorder);
  });
  afterAll(() => t.close());

  const identityIdsOf = async (pair: TokenPairBody) =>
    ((await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body.identities as Array<{ id: string; appType: string }>);

  it('tells of a new user and its first identity once, and of a second app’s identity as bound to the same user', async () => {
    const user = persona('newcomer');
    const first = await loginAs(t, user);
    await loginAs(t, user);
    const fromOfficialAccount = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    expect(fromOfficialAccount.user.id).toBe(first.user.id);
    const identities = await identityIdsOf(first);
    const miniProgram = identities.find((identity) => identity.appType === 'miniprogram')!.id;
    const officialAccount = identities.find((identity) => identity.appType === 'official_account')!.id;

    expect(await recorder.about([first.user.id], 3)).toEqual([
      { event: 'user.created', userId: first.user.id, identityId: miniProgram },
      { event: 'identity.bound', userId: first.user.id, identityId: miniProgram, newUser: true },
      { event: 'identity.bound', userId: first.user.id, identityId: officialAccount, newUser: false },
    ]);
  });

  it('tells of a merge once, inside its transaction, with both ids', async () => {
    const user = persona('merging');
    await setPersona(t, { user, unionidWithheld: true });
    const early = await loginAs(t, user);
    await setPersona(t, { user, unionidWithheld: false });
    const later = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    await loginAs(t, user);

    const merges = (await recorder.about([early.user.id, later.user.id], 5)).filter((event) => event.event === 'users.merged');
    expect(merges).toEqual([{ event: 'users.merged', fromUserId: early.user.id, intoUserId: later.user.id, inTransaction: true }]);
  });

  it('tells of a disable and an enable once each', async () => {
    const admin = await signInAsAdmin(t);
    const target = await loginAs(t, persona('status'));
    await t.http.post(`/admin/api/users/${target.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);
    await t.http.post(`/admin/api/users/${target.user.id}/enable`).set(bearer(admin.accessToken)).expect(200);
    const statuses = (await recorder.about([target.user.id], 4)).filter((event) => event.event.startsWith('user.') && event.event !== 'user.created');
    expect(statuses).toEqual([
      { event: 'user.disabled', userId: target.user.id },
      { event: 'user.enabled', userId: target.user.id },
    ]);
  });

  it('tells of one new user when 50 first logins of one person race', async () => {
    const user = persona('race');
    const codes = await Promise.all(Array.from({ length: 50 }, () => wxLogin(t, user)));
    const responses = await Promise.all(codes.map((code) => t.http.post('/auth/wechat/miniprogram/login').send({ code })));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const userIds = new Set(responses.map((response) => response.body.user.id as string));
    expect(userIds.size).toBe(1);
    const events = await recorder.about([...userIds], 2);
    expect(events.map((event) => event.event)).toEqual(['user.created', 'identity.bound']);
  });
});
