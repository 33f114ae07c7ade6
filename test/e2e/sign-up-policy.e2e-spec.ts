import { DataSource } from 'typeorm';
import { UserAccounts } from '../../src/wechat-auth';
import { bearer, callsDuring, GET_PHONE_NUMBER, phoneCode } from '../support/miniprogram-data';
import { oauthConsent, oauthJourney, onApp, pkce } from '../support/oauth';
import { persona, startTestApp, TestApp, uniquePhone, unknownCode, wxLogin } from '../support/test-app';

const LOGIN = '/auth/wechat/miniprogram/login';
const SIGNUP = '/auth/signup/phone';

async function counts(t: TestApp, errorCode: string): Promise<{ users: number; refusals: number }> {
  const [row] = (await t.app.get(DataSource).query(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM login_events WHERE error_code = $1)::int AS refusals`,
    [errorCode],
  )) as Array<{ users: number; refusals: number }>;
  return row;
}

describe('sign-up policy existing-only', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ SIGN_UP_POLICY: 'existing-only' })));
  afterAll(() => t.close());

  it('refuses an unknown WeChat identity with account_not_found, writing nothing but the login event', async () => {
    const before = await counts(t, 'account_not_found');
    const response = await t.http.post(LOGIN).send({ code: await wxLogin(t, persona()) }).expect(403);
    expect(response.body).toEqual({ statusCode: 403, error: 'account_not_found', message: expect.any(String) });
    expect(await counts(t, 'account_not_found')).toEqual({ users: before.users, refusals: before.refusals + 1 });
  });

  it('signs in an identity bound to a user the host made, as that user', async () => {
    const accounts = t.app.get(UserAccounts);
    const made = await accounts.create({ nickname: 'Known Kai' });
    const hostSession = await accounts.openSession(made.id);
    const user = persona();
    await t.http.post('/auth/wechat/miniprogram/bind').set(bearer(hostSession.accessToken)).send({ code: await wxLogin(t, user) }).expect(200);
    const login = await t.http.post(LOGIN).send({ code: await wxLogin(t, user) }).expect(200);
    expect(login.body.user).toMatchObject({ id: made.id, isNew: false, nickname: 'Known Kai' });
  });
});

describe('sign-up policy require-phone', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ SIGN_UP_POLICY: 'require-phone' })));
  afterAll(() => t.close());

  async function pendingSignUp(user: string): Promise<string> {
    const response = await t.http.post(LOGIN).send({ code: await wxLogin(t, user) }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({ signupTicket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), next: 'phone', expiresIn: 600 });
    return response.body.signupTicket as string;
  }

  it('attaches an unknown identity to the user the host made with that verified phone', async () => {
    const phone = uniquePhone();
    const made = await t.app.get(UserAccounts).create({ phone: `+86${phone}` });
    const user = persona();
    const before = await counts(t, 'none');
    const signupTicket = await pendingSignUp(user);
    expect((await counts(t, 'none')).users).toBe(before.users);

    const signedUp = await t.http.post(SIGNUP).send({ signupTicket, code: await phoneCode(t, user, phone) }).expect(200);
    expect(signedUp.body.user).toMatchObject({ id: made.id, isNew: false });
    const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id: made.id, phone: `+86${phone}`, identities: [expect.objectContaining({ appType: 'miniprogram' })] });

    const again = await t.http.post(LOGIN).send({ code: await wxLogin(t, user) }).expect(200);
    expect(again.body.user.id).toBe(made.id);
  });

  it('makes a new user with the phone when nobody holds it', async () => {
    const phone = uniquePhone();
    const user = persona();
    const signedUp = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(user), code: await phoneCode(t, user, phone) }).expect(200);
    expect(signedUp.body.user.isNew).toBe(true);
    const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
    expect(me.body.phone).toBe(`+86${phone}`);
    expect((await t.app.get(UserAccounts).findByPhone(`+86${phone}`))?.id).toBe(signedUp.body.user.id);
  });

  it('sends an unknown Official Account visitor back with #signupTicket=, completed by a Mini Program phone code', async () => {
    const user = persona();
    const journey = await oauthJourney(t, user);
    expect(journey.callback.status).toBe(302);
    const fragment = new URLSearchParams((journey.callback.headers.location as string).split('#')[1]);
    expect(fragment.get('next')).toBe('phone');
    const signedUp = await t.http
      .post(SIGNUP)
      .send({ signupTicket: fragment.get('signupTicket'), verifier: journey.verifier, code: await phoneCode(t, user, uniquePhone()) })
      .expect(200);
    const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
    expect(me.body.identities).toEqual([expect.objectContaining({ appType: 'official_account' })]);
  });

  describe('a sign-up link sent to someone else (account takeover)', () => {
    /** A signed-in person with a verified phone: a Mini Program user who signed up with it. */
    async function victimWithPhone(): Promise<{ user: string; phone: string; accessToken: string }> {
      const [user, phone] = [persona('victim'), uniquePhone()];
      const signedUp = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(user), code: await phoneCode(t, user, phone) }).expect(200);
      return { user, phone, accessToken: signedUp.body.accessToken as string };
    }

    /**
     * `starter` logs in with his own WeChat and his own challenge and stops
     * before the callback; whoever gets the callback URL opens it. Answers the
     * ticket it lands on and the verifier only the starter's browser holds.
     */
    async function callbackOpened(starter: string): Promise<{ signupTicket: string; starterVerifier: string }> {
      const { callbackUrl, verifier } = await oauthConsent(t, starter);
      const landed = await t.http.get(onApp(t, callbackUrl)).expect(302);
      const fragment = new URLSearchParams((landed.headers.location as string).split('#')[1]);
      expect(fragment.get('next')).toBe('phone');
      return { signupTicket: fragment.get('signupTicket')!, starterVerifier: verifier };
    }

    async function expectNotJoined(victim: { accessToken: string }, attacker: string): Promise<void> {
      const me = await t.http.get('/auth/me').set(bearer(victim.accessToken)).expect(200);
      expect(me.body.identities).toEqual([expect.objectContaining({ appType: 'miniprogram' })]);
      // The attacker's WeChat is still nobody's: his next login is a sign-up again, not the victim's account.
      const again = await oauthJourney(t, attacker);
      expect(new URLSearchParams((again.callback.headers.location as string).split('#')[1]).get('next')).toBe('phone');
    }

    it('refuses the victim’s phone step without the verifier, without asking WeChat, and the ticket is dead for the attacker too', async () => {
      const victim = await victimWithPhone();
      const attacker = persona('attacker');
      const { signupTicket, starterVerifier: attackerVerifier } = await callbackOpened(attacker);

      const victimCode = await phoneCode(t, victim.user, victim.phone);
      const [phoneCalls] = await callsDuring(t, [GET_PHONE_NUMBER], async () => {
        const refused = await t.http.post(SIGNUP).set(bearer(victim.accessToken)).send({ signupTicket, code: victimCode }).expect(401);
        expect(refused.body).toEqual({ statusCode: 401, error: 'ticket_invalid', message: expect.any(String) });
      });
      expect(phoneCalls).toBe(0);

      const late = await t.http.post(SIGNUP).send({ signupTicket, verifier: attackerVerifier, code: await phoneCode(t, attacker, uniquePhone()) }).expect(401);
      expect(late.body.error).toBe('ticket_invalid');
      await expectNotJoined(victim, attacker);
    });

    it('refuses it with the verifier of the victim’s own browser (any other), and burns it', async () => {
      const victim = await victimWithPhone();
      const attacker = persona('attacker');
      const { signupTicket, starterVerifier: attackerVerifier } = await callbackOpened(attacker);

      const wrong = await t.http
        .post(SIGNUP)
        .send({ signupTicket, verifier: pkce().verifier, code: await phoneCode(t, victim.user, victim.phone) })
        .expect(401);
      expect(wrong.body.error).toBe('ticket_invalid');
      const late = await t.http.post(SIGNUP).send({ signupTicket, verifier: attackerVerifier, code: await phoneCode(t, attacker, uniquePhone()) }).expect(401);
      expect(late.body.error).toBe('ticket_invalid');
      await expectNotJoined(victim, attacker);
    });

    it('completes the sign-up in the browser that started the login, with its verifier', async () => {
      const user = persona('own');
      const { signupTicket, starterVerifier } = await callbackOpened(user);
      const signedUp = await t.http.post(SIGNUP).send({ signupTicket, verifier: starterVerifier, code: await phoneCode(t, user, uniquePhone()) }).expect(200);
      expect(signedUp.body.user.isNew).toBe(true);
    });
  });

  it('keeps the ticket through a rejected phone code, and spends it once', async () => {
    const user = persona();
    const signupTicket = await pendingSignUp(user);
    expect((await t.http.post(SIGNUP).send({ signupTicket, code: unknownCode() }).expect(401)).body.error).toBe('wechat_code_invalid');
    await t.http.post(SIGNUP).send({ signupTicket, code: await phoneCode(t, user, uniquePhone()) }).expect(200);
    const reused = await t.http.post(SIGNUP).send({ signupTicket, code: await phoneCode(t, user, uniquePhone()) }).expect(401);
    expect(reused.body.error).toBe('ticket_invalid');
  });

  it('refuses a phone that another WeChat account of the same app already signs in with: phone_in_use', async () => {
    const phone = uniquePhone();
    const holder = persona();
    await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(holder), code: await phoneCode(t, holder, phone) }).expect(200);
    const other = persona();
    const refused = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(other), code: await phoneCode(t, other, phone) }).expect(409);
    expect(refused.body).toEqual({ statusCode: 409, error: 'phone_in_use', message: expect.any(String) });
  });

  it('never makes two users of one new number shown by two Mini Program accounts at once', async () => {
    const phone = uniquePhone();
    const [first, second] = [persona(), persona()];
    const tickets = await Promise.all([pendingSignUp(first), pendingSignUp(second)]);
    const codes = await Promise.all([phoneCode(t, first, phone), phoneCode(t, second, phone)]);
    const answers = await Promise.all(tickets.map((signupTicket, i) => t.http.post(SIGNUP).send({ signupTicket, code: codes[i] })));
    // One makes the user; the other is a second account of the same app, so it may not join that user.
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.error).toBe('phone_in_use');
  });
});
