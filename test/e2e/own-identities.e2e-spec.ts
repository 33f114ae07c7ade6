import { randomUUID } from 'node:crypto';
import { bearer, database } from '../support/admin';
import { OFFICIAL_ACCOUNT, oauthLogin } from '../support/oauth';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody } from '../support/test-app';

interface Identity {
  id: string;
  app: string;
}

/** A person unbinds one of the WeChat accounts they sign in with. */
describe('unbinding one’s own identities', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const identitiesOf = async (pair: TokenPairBody) => (await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body.identities as Identity[];

  /** One person in the Mini Program and the Official Account: one user with two identities. */
  async function twoApps(): Promise<{ miniProgram: TokenPairBody; officialAccount: TokenPairBody; identities: Identity[] }> {
    const user = persona('two-apps');
    const miniProgram = await loginAs(t, user);
    const officialAccount = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    expect(officialAccount.user.id).toBe(miniProgram.user.id);
    return { miniProgram, officialAccount, identities: await identitiesOf(miniProgram) };
  }

  it('unbinds an identity and ends the sessions opened through its app', async () => {
    const { miniProgram, officialAccount, identities } = await twoApps();
    const oa = identities.find((identity) => identity.app === OFFICIAL_ACCOUNT.key)!;
    await t.http.delete(`/auth/me/identities/${oa.id}`).set(bearer(miniProgram.accessToken)).expect(204);

    expect((await identitiesOf(miniProgram)).map((identity) => identity.app)).toEqual([MINIPROGRAM.key]);
    expect((await t.http.get('/auth/me').set(bearer(officialAccount.accessToken))).status).toBe(401);
    const [event] = (await database(t).query(`SELECT app_key FROM login_events WHERE user_id = $1 AND kind = 'identity_unbound'`, [
      miniProgram.user.id,
    ])) as Array<{ app_key: string }>;
    expect(event.app_key).toBe(OFFICIAL_ACCOUNT.key);
  });

  it('refuses to unbind the last identity', async () => {
    const pair = await loginAs(t, persona('only-one'));
    const [only] = await identitiesOf(pair);
    const response = await t.http.delete(`/auth/me/identities/${only.id}`).set(bearer(pair.accessToken)).expect(409);
    expect(response.body).toEqual({ statusCode: 409, error: 'last_identity', message: expect.any(String) });
    expect(await identitiesOf(pair)).toHaveLength(1);
  });

  it('keeps exactly one identity when both are unbound at once', async () => {
    const { miniProgram, identities } = await twoApps();
    const responses = await Promise.all(identities.map((identity) => t.http.delete(`/auth/me/identities/${identity.id}`).set(bearer(miniProgram.accessToken))));
    expect(responses.map((response) => response.status).sort()).toEqual([204, 409]);
    const [left] = (await database(t).query(`SELECT count(*)::int AS n FROM wechat_identities WHERE user_id = $1`, [miniProgram.user.id])) as Array<{ n: number }>;
    expect(left.n).toBe(1);
  });

  it('answers not_found for another person’s identity, an unknown id and a malformed one', async () => {
    const victim = await loginAs(t, persona('victim'));
    const attacker = await loginAs(t, persona('attacker'));
    const [victimIdentity] = await identitiesOf(victim);
    for (const id of [victimIdentity.id, randomUUID(), 'nope']) {
      const response = await t.http.delete(`/auth/me/identities/${id}`).set(bearer(attacker.accessToken)).expect(404);
      expect(response.body.error).toBe('not_found');
    }
    expect(await identitiesOf(victim)).toHaveLength(1);
    await t.http.delete(`/auth/me/identities/${victimIdentity.id}`).expect(401);
  });
});
