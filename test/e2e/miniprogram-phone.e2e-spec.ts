import { DataSource } from 'typeorm';
import type { Response } from 'supertest';
import { ageAppToken, bearer, callsDuring, GET_PHONE_NUMBER, invalidateAppToken, phoneCode, PHONE, STABLE_TOKEN } from '../support/miniprogram-data';
import { loginAs, persona, startTestApp, TestApp, uniquePhone, wxLogin } from '../support/test-app';

describe('Mini Program phone number (real app, real PostgreSQL, sandbox over HTTP)', () => {
  let t: TestApp;
  let db: DataSource;
  let sandboxUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    sandboxUrl = `${t.url}/sandbox`;
  });
  afterAll(() => t.close());
  afterEach(() => t.http.delete('/sandbox/faults').expect(204));

  it("binds the number behind the button's code to the caller", async () => {
    const user = persona();
    const { accessToken } = await loginAs(t, user);
    const phone = uniquePhone();
    const code = await phoneCode(t, user, phone);
    const response = await t.http.post(PHONE).set(bearer(accessToken)).send({ code }).expect(200);
    expect(response.body).toEqual({ phoneNumber: `+86${phone}`, purePhoneNumber: phone, countryCode: '86' });
    const me = await t.http.get('/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body.phone).toBe(`+86${phone}`);
  });

  it('gives a verified number to one user only: another binding it gets phone_in_use, two at once one each', async () => {
    const phone = uniquePhone();
    const [first, second] = [persona(), persona()];
    const [firstPair, secondPair] = await Promise.all([loginAs(t, first), loginAs(t, second)]);
    await t.http.post(PHONE).set(bearer(firstPair.accessToken)).send({ code: await phoneCode(t, first, phone) }).expect(200);
    // Binding it again is no conflict with oneself.
    await t.http.post(PHONE).set(bearer(firstPair.accessToken)).send({ code: await phoneCode(t, first, phone) }).expect(200);
    const refused = await t.http.post(PHONE).set(bearer(secondPair.accessToken)).send({ code: await phoneCode(t, second, phone) }).expect(409);
    expect(refused.body).toEqual({ statusCode: 409, error: 'phone_in_use', message: expect.any(String) });
    expect((await t.http.get('/auth/me').set(bearer(secondPair.accessToken)).expect(200)).body.phone).toBeNull();

    const racedPhone = uniquePhone();
    const codes = await Promise.all([phoneCode(t, first, racedPhone), phoneCode(t, second, racedPhone)]);
    const raced = await Promise.all([firstPair, secondPair].map((pair, i) => t.http.post(PHONE).set(bearer(pair.accessToken)).send({ code: codes[i] })));
    expect(raced.map((answer) => answer.status).sort()).toEqual([200, 409]);
  });

  it('says so when the frontend sends a wx.login code instead of the phone code', async () => {
    const user = persona();
    const { accessToken } = await loginAs(t, user);
    const loginCode = await wxLogin(t, user);
    const response = await t.http.post(PHONE).set(bearer(accessToken)).send({ code: loginCode }).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'wechat_code_invalid', message: expect.stringMatching(/wx\.login code sent by mistake.*getPhoneNumber/) });
    const me = await t.http.get('/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body.phone).toBeNull();
  });

  it('refuses a phone code used twice with wechat_code_used', async () => {
    const user = persona();
    const { accessToken } = await loginAs(t, user);
    const code = await phoneCode(t, user);
    await t.http.post(PHONE).set(bearer(accessToken)).send({ code }).expect(200);
    const again = await t.http.post(PHONE).set(bearer(accessToken)).send({ code }).expect(409);
    expect(again.body.error).toBe('wechat_code_used');
  });

  it('needs a signed-in caller and a well-formed code', async () => {
    const code = await phoneCode(t, persona());
    expect((await t.http.post(PHONE).send({ code }).expect(401)).body.error).toBe('unauthorized');
    const { accessToken } = await loginAs(t);
    expect((await t.http.post(PHONE).set(bearer(accessToken)).send({ code: 'no spaces!' }).expect(400)).body.error).toBe('invalid_request');
    expect((await t.http.post(PHONE).set(bearer(accessToken)).send({ code, extra: 1 }).expect(400)).body.error).toBe('invalid_request');
    expect((await t.http.post(PHONE).set(bearer(accessToken)).send({ code, app: 'demo-website' }).expect(404)).body.error).toBe('unknown_app');
  });

  /** A signed-in persona whose phone binding already put an app token in the cache, and a way to bind again. */
  async function cachedCaller(): Promise<() => Promise<Response>> {
    const user = persona();
    const { accessToken } = await loginAs(t, user);
    const bind = async () => t.http.post(PHONE).set(bearer(accessToken)).send({ code: await phoneCode(t, user) });
    expect((await bind()).status).toBe(200);
    return bind;
  }

  const CALLS = [STABLE_TOKEN, GET_PHONE_NUMBER];

  it('replaces a token WeChat invalidated (40001) once and retries, invisibly to the user', async () => {
    const bind = await cachedCaller();
    await invalidateAppToken(sandboxUrl);
    expect(await callsDuring(t, CALLS, async () => expect((await bind()).status).toBe(200))).toEqual([1, 2]);
  });

  it('replaces a token that expired at WeChat (42001) and retries', async () => {
    const bind = await cachedCaller();
    await ageAppToken(sandboxUrl, db, 0);
    // Our cache still believes in the token: only WeChat's 42001 tells.
    await db.query(`UPDATE wechat_app_tokens SET expires_at = now() + interval '1 hour', refresh_after = now() + interval '1 hour'`);
    expect(await callsDuring(t, CALLS, async () => expect((await bind()).status).toBe(200))).toEqual([1, 2]);
  });

  it('retries only once: WeChat refusing the fresh token too ends in wechat_unavailable', async () => {
    const bind = await cachedCaller();
    await invalidateAppToken(sandboxUrl);
    await t.http.post('/sandbox/faults').send({ path: GET_PHONE_NUMBER, errcode: 40001, times: 5 }).expect(204);
    expect(await callsDuring(t, CALLS, async () => expect((await bind()).body.error).toBe('wechat_unavailable'))).toEqual([1, 2]);
  });

  it('gives up at once when WeChat refuses a token yet hands the same one out again', async () => {
    const bind = await cachedCaller();
    await t.http.post('/sandbox/faults').send({ path: GET_PHONE_NUMBER, errcode: 40001 }).expect(204);
    expect(await callsDuring(t, CALLS, async () => expect((await bind()).status).toBe(503))).toEqual([1, 1]);
  });

  it('maps WeChat refusing our credentials to wechat_misconfigured without leaking the secret', async () => {
    await db.query('DELETE FROM wechat_app_tokens');
    await t.http.post('/sandbox/faults').send({ path: STABLE_TOKEN, errcode: 40125 }).expect(204);
    const user = persona();
    const { accessToken } = await loginAs(t, user);
    const response = await t.http.post(PHONE).set(bearer(accessToken)).send({ code: await phoneCode(t, user) }).expect(500);
    expect(response.body.error).toBe('wechat_misconfigured');
    expect(response.text).not.toMatch(/sandbox0000|access_token/);
  });
});
