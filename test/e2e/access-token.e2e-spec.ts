import { DataSource } from 'typeorm';
import { DataCipher } from '../../src/wechat-auth/core/crypto/data-cipher';
import { AppAccessTokens } from '../../src/wechat-auth/wechat/access-token/app-access-tokens.service';
import { ageAppToken, bearer, callsDuring, invalidateAppToken, phoneCode, PHONE, STABLE_TOKEN, storedAppToken } from '../support/miniprogram-data';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, upstreamCalls } from '../support/test-app';

const BURST = 30;

describe('the app access_token (real app, real PostgreSQL, sandbox over HTTP)', () => {
  let t: TestApp;
  let db: DataSource;
  let sandboxUrl: string;
  let user: string;
  let pair: TokenPairBody;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    sandboxUrl = `${t.url}/sandbox`;
    user = persona();
    pair = await loginAs(t, user);
  });
  afterAll(() => t.close());
  afterEach(() => t.http.delete('/sandbox/faults').expect(204));

  /** WeChat's own view: what stable_token in normal mode answers now (it counts as a call). */
  async function wechatStableToken(body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const response = await t.http
      .post('/sandbox/cgi-bin/stable_token')
      .send({ grant_type: 'client_credential', appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret, force_refresh: false, ...body })
      .expect(200);
    return JSON.parse(response.text) as Record<string, unknown>;
  }

  /** Whether WeChat accepts `token` for a phone number call right now: 0, or its errcode. */
  async function wechatAccepts(token: string): Promise<number> {
    const response = await t.http.post('/sandbox/wxa/business/getuserphonenumber').query({ access_token: token }).send({ code: await phoneCode(t, user) }).expect(200);
    return (JSON.parse(response.text) as { errcode: number }).errcode;
  }

  const bindPhone = async () => t.http.post(PHONE).set(bearer(pair.accessToken)).send({ code: await phoneCode(t, user) });

  async function burst(): Promise<number[]> {
    const codes = await Promise.all(Array.from({ length: BURST }, () => phoneCode(t, user)));
    const responses = await Promise.all(codes.map((code) => t.http.post(PHONE).set(bearer(pair.accessToken)).send({ code })));
    return responses.map((response) => response.status);
  }

  it('fetches the token once, keeps it in PostgreSQL encrypted, and reuses it', async () => {
    await db.query('DELETE FROM wechat_app_tokens');
    const before = await upstreamCalls(t, STABLE_TOKEN);
    expect((await bindPhone()).status).toBe(200);
    expect((await bindPhone()).status).toBe(200);
    expect((await upstreamCalls(t, STABLE_TOKEN)) - before).toBe(1);

    const token = (await wechatStableToken()).access_token as string;
    const row = (await storedAppToken(db))!;
    expect(row.access_token).toMatch(/^v1\.dev\./);
    expect(row.access_token).not.toContain(token);
    expect(t.app.get(DataCipher).open(row.access_token, `wechat_app_tokens.access_token:${MINIPROGRAM.appid}`)).toBe(token);
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 7000 * 1000);
  });

  it('answers a burst with no cached token with a single stable_token call', async () => {
    await db.query('DELETE FROM wechat_app_tokens');
    expect(await callsDuring(t, [STABLE_TOKEN], async () => expect(await burst()).toEqual(Array(BURST).fill(200)))).toEqual([1]);
  });

  it('renews a token near its end with a single normal-mode call, leaving the old one alive', async () => {
    expect((await bindPhone()).status).toBe(200);
    const old = (await wechatStableToken()).access_token as string;
    await ageAppToken(sandboxUrl, db, 60);
    expect(await callsDuring(t, [STABLE_TOKEN], async () => expect(await burst()).toEqual(Array(BURST).fill(200)))).toEqual([1]);
    const row = (await storedAppToken(db))!;
    expect(t.app.get(DataCipher).open(row.access_token, `wechat_app_tokens.access_token:${MINIPROGRAM.appid}`)).not.toBe(old);
    // A forced refresh would have killed it: normal mode leaves it to live out its minute.
    expect(await wechatAccepts(old)).toBe(0);
  });

  it('replaces a token WeChat invalidated once for a whole burst', async () => {
    expect((await bindPhone()).status).toBe(200);
    await invalidateAppToken(sandboxUrl);
    expect(await callsDuring(t, [STABLE_TOKEN], async () => expect(await burst()).toEqual(Array(BURST).fill(200)))).toEqual([1]);
  });

  it('force-refreshes only on explicit request, and the old token then dies', async () => {
    expect((await bindPhone()).status).toBe(200);
    const old = (await wechatStableToken()).access_token as string;
    await t.app.get(AppAccessTokens).forceRefresh(MINIPROGRAM);
    expect(await wechatAccepts(old)).toBe(40001);
    const before = await upstreamCalls(t, STABLE_TOKEN);
    expect((await bindPhone()).status).toBe(200);
    expect((await upstreamCalls(t, STABLE_TOKEN)) - before).toBe(0);
  });

  it('fetches a new token when the cached one was sealed with a key no longer configured', async () => {
    expect((await bindPhone()).status).toBe(200);
    await db.query(`UPDATE wechat_app_tokens SET access_token = replace(access_token, 'v1.dev.', 'v1.retired.')`);
    const before = await upstreamCalls(t, STABLE_TOKEN);
    expect((await bindPhone()).status).toBe(200);
    expect((await upstreamCalls(t, STABLE_TOKEN)) - before).toBe(1);
  });
});

describe("the sandbox's app access_token paths", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const token = async (query: Record<string, string> = {}) =>
    json((await t.http.get('/sandbox/cgi-bin/token').query({ grant_type: 'client_credential', appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret, ...query }).expect(200)).text);
  const stable = async (body: Record<string, unknown> = {}) =>
    json((await t.http.post('/sandbox/cgi-bin/stable_token').send({ grant_type: 'client_credential', appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret, ...body }).expect(200)).text);
  const accepts = async (accessToken: unknown) => {
    const code = await phoneCode(t, persona());
    return (json((await t.http.post('/sandbox/wxa/business/getuserphonenumber').query({ access_token: accessToken as string }).send({ code }).expect(200)).text).errcode as number);
  };

  it('cgi-bin/token: every call replaces the previous token, which lives five more minutes', async () => {
    const first = await token();
    expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    const second = await token();
    expect(second.access_token).not.toBe(first.access_token);
    expect(await accepts(first.access_token)).toBe(0);
    await t.http.post('/sandbox/clock').send({ advanceSeconds: 301 }).expect(204);
    expect(await accepts(first.access_token)).toBe(40001);
    expect(await accepts(second.access_token)).toBe(0);
  });

  it('cgi-bin/stable_token: the same token in normal mode, a new one (killing the old) when forced, untouched by cgi-bin/token', async () => {
    const first = await stable();
    expect(first).toEqual({ access_token: expect.any(String), expires_in: expect.any(Number) });
    expect((await stable()).access_token).toBe(first.access_token);
    await token();
    expect((await stable()).access_token).toBe(first.access_token);
    const forced = await stable({ force_refresh: true });
    expect(forced.access_token).not.toBe(first.access_token);
    expect(await accepts(first.access_token)).toBe(40001);
    expect(await accepts(forced.access_token)).toBe(0);
  });

  it('answers WeChat errors for bad credentials and tokens', async () => {
    expect((await stable({ secret: 'wrong-secret-0000000000' })).errcode).toBe(40125);
    expect((await stable({ grant_type: 'password' })).errcode).toBe(40002);
    expect((await token({ appid: 'wx0000000000000000' })).errcode).toBe(40013);
    expect(await accepts('not-a-token')).toBe(40001);
    const response = await t.http.post('/sandbox/wxa/business/getuserphonenumber').send({ code: 'x' }).expect(200);
    expect(json(response.text).errcode).toBe(41001);
  });
});
