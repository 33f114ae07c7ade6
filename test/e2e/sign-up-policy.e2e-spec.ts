import { DataSource } from 'typeorm';
import { UserAccounts } from '../../src/wechat-auth';
import { bearer, callsDuring, GET_PHONE_NUMBER, phoneCode, PROFILE, sealUserData } from '../support/miniprogram-data';
import { OFFICIAL_ACCOUNT, oauthConsent, oauthJourney, onApp, pkce } from '../support/oauth';
import { persona, startTestApp, TestApp, uniquePhone, unknownCode, wxLogin } from '../support/test-app';

const LOGIN = '/auth/wechat/miniprogram/login';
const SIGNUP = '/auth/signup/phone';
const JSCODE2SESSION = '/sns/jscode2session';

/**
 * What the Mini Program page sends when `user` presses the phone button: the
 * button's code for `phone` and a fresh wx.login code of the same Mini Program.
 */
async function phoneButton(t: TestApp, user: string, phone = uniquePhone()): Promise<{ code: string; loginCode: string }> {
  return { code: await phoneCode(t, user, phone), loginCode: await wxLogin(t, user) };
}

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

    const signedUp = await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, user, phone)) }).expect(200);
    expect(signedUp.body.user).toMatchObject({ id: made.id, isNew: false });
    const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id: made.id, phone: `+86${phone}`, identities: [expect.objectContaining({ appType: 'miniprogram' })] });

    const again = await t.http.post(LOGIN).send({ code: await wxLogin(t, user) }).expect(200);
    expect(again.body.user.id).toBe(made.id);
  });

  it('makes a new user with the phone when nobody holds it', async () => {
    const phone = uniquePhone();
    const user = persona();
    const signedUp = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(user), ...(await phoneButton(t, user, phone)) }).expect(200);
    expect(signedUp.body.user.isNew).toBe(true);
    const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
    expect(me.body.phone).toBe(`+86${phone}`);
    expect((await t.app.get(UserAccounts).findByPhone(`+86${phone}`))?.id).toBe(signedUp.body.user.id);
  });

  it('sends an unknown Official Account visitor back with #signupTicket=, completed by a Mini Program phone code', async () => {
    const user = persona();
    // Only a consented scope gives the unionid that the Mini Program's wx.login must match.
    const journey = await oauthJourney(t, user, { scope: 'snsapi_userinfo' });
    expect(journey.callback.status).toBe(302);
    const fragment = new URLSearchParams((journey.callback.headers.location as string).split('#')[1]);
    expect(fragment.get('next')).toBe('phone');
    const signedUp = await t.http
      .post(SIGNUP)
      .send({ signupTicket: fragment.get('signupTicket'), verifier: journey.verifier, ...(await phoneButton(t, user, uniquePhone())) })
      .expect(200);
    const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
    expect(me.body.identities).toEqual([expect.objectContaining({ appType: 'official_account' })]);
  });

  describe('a sign-up link sent to someone else (account takeover)', () => {
    /** A signed-in person with a verified phone: a Mini Program user who signed up with it. */
    async function victimWithPhone(): Promise<{ user: string; phone: string; accessToken: string }> {
      const [user, phone] = [persona('victim'), uniquePhone()];
      const signedUp = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(user), ...(await phoneButton(t, user, phone)) }).expect(200);
      return { user, phone, accessToken: signedUp.body.accessToken as string };
    }

    /**
     * `starter` logs in with his own WeChat and his own challenge and stops
     * before the callback; whoever gets the callback URL opens it. Answers the
     * ticket it lands on and the verifier only the starter's browser holds.
     * The login asks for consent (snsapi_userinfo), as a page that lets people
     * sign up must: only then does WeChat name the person's unionid.
     */
    async function callbackOpened(starter: string): Promise<{ signupTicket: string; starterVerifier: string }> {
      const { callbackUrl, verifier } = await oauthConsent(t, starter, { scope: 'snsapi_userinfo' });
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

      const victimButton = await phoneButton(t, victim.user, victim.phone);
      const calls = await callsDuring(t, [GET_PHONE_NUMBER, JSCODE2SESSION], async () => {
        const refused = await t.http.post(SIGNUP).set(bearer(victim.accessToken)).send({ signupTicket, ...victimButton }).expect(401);
        expect(refused.body).toEqual({ statusCode: 401, error: 'ticket_invalid', message: expect.any(String) });
      });
      expect(calls).toEqual([0, 0]);

      const late = await t.http.post(SIGNUP).send({ signupTicket, verifier: attackerVerifier, ...(await phoneButton(t, attacker, uniquePhone())) }).expect(401);
      expect(late.body.error).toBe('ticket_invalid');
      await expectNotJoined(victim, attacker);
    });

    it('refuses it with the verifier of the victim’s own browser (any other), and burns it', async () => {
      const victim = await victimWithPhone();
      const attacker = persona('attacker');
      const { signupTicket, starterVerifier: attackerVerifier } = await callbackOpened(attacker);

      const wrong = await t.http
        .post(SIGNUP)
        .send({ signupTicket, verifier: pkce().verifier, ...(await phoneButton(t, victim.user, victim.phone)) })
        .expect(401);
      expect(wrong.body.error).toBe('ticket_invalid');
      const late = await t.http.post(SIGNUP).send({ signupTicket, verifier: attackerVerifier, ...(await phoneButton(t, attacker, uniquePhone())) }).expect(401);
      expect(late.body.error).toBe('ticket_invalid');
      await expectNotJoined(victim, attacker);
    });

    describe('carried with its verifier to someone else’s Mini Program: WeChat must say who pressed the phone button', () => {
      const ANOTHER_PERSON = 'This sign-up belongs to another WeChat user. Sign in with your own WeChat to sign up.';

      it('refuses the attacker’s Official Account ticket and verifier with the victim’s wx.login and phone, before WeChat is asked for the phone, and burns it', async () => {
        const victim = await victimWithPhone();
        const attacker = persona('attacker');
        const { signupTicket, starterVerifier: attackerVerifier } = await callbackOpened(attacker);

        const victimButton = await phoneButton(t, victim.user, victim.phone);
        const [phoneCalls] = await callsDuring(t, [GET_PHONE_NUMBER], async () => {
          const refused = await t.http.post(SIGNUP).send({ signupTicket, verifier: attackerVerifier, ...victimButton }).expect(401);
          expect(refused.body).toEqual({ statusCode: 401, error: 'ticket_invalid', message: ANOTHER_PERSON });
        });
        expect(phoneCalls).toBe(0);

        const late = await t.http.post(SIGNUP).send({ signupTicket, verifier: attackerVerifier, ...(await phoneButton(t, attacker)) }).expect(401);
        expect(late.body.error).toBe('ticket_invalid');
        await expectNotJoined(victim, attacker);
        const me = await t.http.get('/auth/me').set(bearer(victim.accessToken)).expect(200);
        expect(me.body.phone).toBe(`+86${victim.phone}`);
      });

      it('refuses one person’s Mini Program ticket with another person’s wx.login, and burns it', async () => {
        const [owner, other] = [persona('owner'), persona('other')];
        const signupTicket = await pendingSignUp(owner);
        const before = await counts(t, 'none');
        const [phoneCalls] = await callsDuring(t, [GET_PHONE_NUMBER], async () => {
          const refused = await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, other)) }).expect(401);
          expect(refused.body).toEqual({ statusCode: 401, error: 'ticket_invalid', message: ANOTHER_PERSON });
        });
        expect(phoneCalls).toBe(0);
        expect((await counts(t, 'none')).users).toBe(before.users);

        const late = await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, owner)) }).expect(401);
        expect(late.body.error).toBe('ticket_invalid');
        // The owner's WeChat is still nobody's: the next login is a sign-up again.
        await pendingSignUp(owner);
      });

      it('refuses an Official Account ticket without a unionid (app not bound to the Open Platform): nothing can prove its person in a Mini Program', async () => {
        const bind = (openPlatformBound: boolean) => t.http.post(`/sandbox/apps/${OFFICIAL_ACCOUNT.appid}`).send({ openPlatformBound }).expect(200);
        await bind(false);
        try {
          const user = persona('unbound');
          const { signupTicket, starterVerifier } = await callbackOpened(user);
          const [phoneCalls] = await callsDuring(t, [GET_PHONE_NUMBER], async () => {
            const refused = await t.http.post(SIGNUP).send({ signupTicket, verifier: starterVerifier, ...(await phoneButton(t, user)) }).expect(401);
            expect(refused.body).toEqual({ statusCode: 401, error: 'ticket_invalid', message: ANOTHER_PERSON });
          });
          expect(phoneCalls).toBe(0);
        } finally {
          await bind(true);
        }
      });

      it('joins an Official Account sign-up finished in the Mini Program by the same person (the same unionid)', async () => {
        const [user, phone] = [persona('own'), uniquePhone()];
        const { signupTicket, starterVerifier } = await callbackOpened(user);
        const signedUp = await t.http.post(SIGNUP).send({ signupTicket, verifier: starterVerifier, ...(await phoneButton(t, user, phone)) }).expect(200);
        const me = await t.http.get('/auth/me').set(bearer(signedUp.body.accessToken)).expect(200);
        expect(me.body).toMatchObject({ phone: `+86${phone}`, identities: [expect.objectContaining({ appType: 'official_account' })] });
      });

      it('signs up a Mini Program person whose wx.login names the ticket’s openid, and keeps that wx.login’s session_key', async () => {
        const user = persona();
        const signedUp = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(user), ...(await phoneButton(t, user)) }).expect(200);
        // Data the Mini Program seals now uses the session_key of its latest wx.login: the one sent with the phone.
        const updated = await t.http.post(PROFILE).set(bearer(signedUp.body.accessToken)).send(await sealUserData(t, user, { nickName: 'Fresh Key' })).expect(200);
        expect(updated.body.nickname).toBe('Fresh Key');
      });

      it('keeps the ticket through a wx.login code WeChat rejects (wechat_code_invalid), without asking for the phone', async () => {
        const [user, phone] = [persona(), uniquePhone()];
        const signupTicket = await pendingSignUp(user);
        const [phoneCalls] = await callsDuring(t, [GET_PHONE_NUMBER], async () => {
          const rejected = await t.http.post(SIGNUP).send({ signupTicket, code: await phoneCode(t, user, phone), loginCode: unknownCode() }).expect(401);
          expect(rejected.body.error).toBe('wechat_code_invalid');
        });
        expect(phoneCalls).toBe(0);
        await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, user, phone)) }).expect(200);
      });

      it('refuses a missing or malformed wx.login code by validation, keeping the ticket', async () => {
        const user = persona();
        const signupTicket = await pendingSignUp(user);
        const code = await phoneCode(t, user);
        for (const loginCode of [undefined, 'short', 'has spaces and !', 42]) {
          const refused = await t.http.post(SIGNUP).send({ signupTicket, code, loginCode }).expect(400);
          expect(refused.body.error).toBe('invalid_request');
        }
        await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, user)) }).expect(200);
      });

      it('lets only the ticket’s person through when the owner and someone else press at once', async () => {
        const [owner, other] = [persona('owner'), persona('other')];
        const signupTicket = await pendingSignUp(owner);
        const buttons = await Promise.all([phoneButton(t, owner), phoneButton(t, other)]);
        const answers = await Promise.all(buttons.map((button) => t.http.post(SIGNUP).send({ signupTicket, ...button })));
        const [ownerAnswer, otherAnswer] = answers;
        expect(otherAnswer.status).toBe(401);
        // The owner wins, or loses the ticket the other burnt first: never does the other join anyone.
        expect([200, 401]).toContain(ownerAnswer.status);
        if (ownerAnswer.status === 200) {
          const me = await t.http.get('/auth/me').set(bearer(ownerAnswer.body.accessToken)).expect(200);
          expect(me.body.identities).toHaveLength(1);
        } else {
          await pendingSignUp(owner);
        }
      });
    });

    it('completes the sign-up in the browser that started the login, with its verifier', async () => {
      const user = persona('own');
      const { signupTicket, starterVerifier } = await callbackOpened(user);
      const signedUp = await t.http.post(SIGNUP).send({ signupTicket, verifier: starterVerifier, ...(await phoneButton(t, user, uniquePhone())) }).expect(200);
      expect(signedUp.body.user.isNew).toBe(true);
    });
  });

  it('keeps the ticket through a rejected phone code, and spends it once', async () => {
    const user = persona();
    const signupTicket = await pendingSignUp(user);
    const rejected = await t.http.post(SIGNUP).send({ signupTicket, code: unknownCode(), loginCode: await wxLogin(t, user) }).expect(401);
    expect(rejected.body.error).toBe('wechat_code_invalid');
    await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, user, uniquePhone())) }).expect(200);
    const reused = await t.http.post(SIGNUP).send({ signupTicket, ...(await phoneButton(t, user, uniquePhone())) }).expect(401);
    expect(reused.body.error).toBe('ticket_invalid');
  });

  it('refuses a phone that another WeChat account of the same app already signs in with: phone_in_use', async () => {
    const phone = uniquePhone();
    const holder = persona();
    await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(holder), ...(await phoneButton(t, holder, phone)) }).expect(200);
    const other = persona();
    const refused = await t.http.post(SIGNUP).send({ signupTicket: await pendingSignUp(other), ...(await phoneButton(t, other, phone)) }).expect(409);
    expect(refused.body).toEqual({ statusCode: 409, error: 'phone_in_use', message: expect.any(String) });
  });

  it('never makes two users of one new number shown by two Mini Program accounts at once', async () => {
    const phone = uniquePhone();
    const [first, second] = [persona(), persona()];
    const tickets = await Promise.all([pendingSignUp(first), pendingSignUp(second)]);
    const buttons = await Promise.all([phoneButton(t, first, phone), phoneButton(t, second, phone)]);
    const answers = await Promise.all(tickets.map((signupTicket, i) => t.http.post(SIGNUP).send({ signupTicket, ...buttons[i] })));
    // One makes the user; the other is a second account of the same app, so it may not join that user.
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.error).toBe('phone_in_use');
  });
});
