import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { bearer } from '../support/miniprogram-data';
import { persona, startTestApp, TestApp, TokenPairBody, unknownCode, wxLogin } from '../support/test-app';

const LOGIN = '/auth/wechat/miniprogram/login';
const BUDGET = 30;
const LIMITS = { THROTTLE_PER_IP_PER_MINUTE: '0', THROTTLE_FAILURES_PER_IP_PER_MINUTE: String(BUDGET), THROTTLE_PER_CREDENTIAL_PER_MINUTE: '30' };

let addressSeq = 0;
/** An address no other test in this run uses. */
const newAddress = () => `198.18.0.${++addressSeq}`;

/** A refresh token of the current shape that we never signed. */
const forgedRefreshToken = () => randomBytes(52).toString('base64url').slice(0, 70);

/**
 * Many people share one address (an office, a carrier's NAT): what one of
 * them sends must not lock the others out of signing in or staying signed in.
 */
describe('an attacker behind a shared address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ...LIMITS, TRUST_PROXY: 'loopback' });
  });
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  const login = async (address: string, status: number) =>
    t.http.post(LOGIN).set('x-forwarded-for', address).send({ code: await wxLogin(t, persona('office')) }).expect(status);
  const refresh = (address: string, refreshToken: string) => t.http.post('/auth/refresh').set('x-forwarded-for', address).send({ refreshToken });

  it('sending 60 bad refresh tokens at once stops neither a sign-in nor a refresh of someone else at that address', async () => {
    const address = newAddress();
    const colleague = (await login(address, 200)).body as TokenPairBody;

    const statuses = (await Promise.all(Array.from({ length: 60 }, () => refresh(address, forgedRefreshToken())))).map((answer) => answer.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);

    const signedIn = await login(address, 200);
    expect(signedIn.body.user.isNew).toBe(true);
    const refreshed = await refresh(address, colleague.refreshToken).expect(200);
    await t.http.get('/auth/me').set(bearer(refreshed.body.accessToken)).expect(200);

    // The attacker's own forgeries are what the address's budget now refuses, before any lookup.
    const forged = await refresh(address, forgedRefreshToken()).expect(429);
    expect(forged.body.error).toBe('rate_limited');
  });

  it('signs in twice the failure budget of people at once from one address: a burst of honest sign-ins waits, it is not refused', async () => {
    const address = newAddress();
    const codes = await Promise.all(Array.from({ length: 2 * BUDGET }, () => wxLogin(t, persona('rush-hour'))));
    const answers = await Promise.all(codes.map((code) => t.http.post(LOGIN).set('x-forwarded-for', address).send({ code })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(2 * BUDGET).fill(200));
  });

  it('bogus codes stop further code exchanges from the address, but a signed-in colleague still refreshes', async () => {
    const address = newAddress();
    const colleague = (await login(address, 200)).body as TokenPairBody;
    for (let i = 0; i < BUDGET; i++) await t.http.post(LOGIN).set('x-forwarded-for', address).send({ code: unknownCode() }).expect(401);

    await login(address, 429);
    await refresh(address, colleague.refreshToken).expect(200);
  });
});

/** Behind one proxy the service trusts (the test client at 127.0.0.1), which appends the address it saw. */
describe('the client address behind a trusted proxy', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ...LIMITS, TRUST_PROXY: '127.0.0.1' });
  });
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  it('is the right-most address the proxy did not write itself: X-Forwarded-For values a client makes up do not choose it', async () => {
    const attacker = '198.18.1.1';
    // Each request claims another origin in front of what the proxy appended.
    for (let i = 0; i < BUDGET; i++) {
      await t.http.post(LOGIN).set('x-forwarded-for', `203.0.113.${i}, 10.0.0.${i}, ${attacker}`).send({ code: unknownCode() }).expect(401);
    }
    const spoofed = await t.http.post(LOGIN).set('x-forwarded-for', `1.2.3.4, ${attacker}`).send({ code: await wxLogin(t, persona()) }).expect(429);
    expect(spoofed.body.error).toBe('rate_limited');

    const someoneElse = await t.http.post(LOGIN).set('x-forwarded-for', `${attacker}, 198.18.1.2`).send({ code: await wxLogin(t, persona()) }).expect(200);
    const sessions = await t.http.get('/auth/sessions').set(bearer(someoneElse.body.accessToken)).expect(200);
    expect(sessions.body.items.map((session: { ip: string }) => session.ip)).toEqual(['198.18.1.2']);
  });
});
