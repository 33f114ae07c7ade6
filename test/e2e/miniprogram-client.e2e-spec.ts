import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jwt from 'jsonwebtoken';
import { createClient, TokenPair, WechatAuthClient, WxApi } from '../../clients/miniprogram';
import { bearer, phoneCode } from '../support/miniprogram-data';
import { oauthJourney } from '../support/oauth';
import { MINIPROGRAM, persona, startTestApp, TEST_JWT_SECRET, TestApp, uniquePhone } from '../support/test-app';

const STORAGE_KEY = 'wechat-auth-tokens';

interface StandIn {
  wx: WxApi;
  storage: Map<string, unknown>;
  /** wx.login calls, and the paths of wx.request calls in order. */
  wxLogins: number;
  paths: string[];
}

/**
 * The `wx` of a phone, in Node: wx.login asks the sandbox for persona `user`'s
 * code, wx.request and wx.uploadFile make real HTTP calls, storage is a Map.
 */
function standInWx(t: TestApp, user: string): StandIn {
  const storage = new Map<string, unknown>();
  const standIn: StandIn = {
    storage,
    wxLogins: 0,
    paths: [],
    wx: {
      login({ success, fail }) {
        standIn.wxLogins++;
        fetch(`${t.url}/sandbox/wx.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: MINIPROGRAM.appid, user }) })
          .then((response) => response.json() as Promise<{ code: string }>)
          .then(success, fail);
      },
      request({ url, method, data, header, success, fail }) {
        standIn.paths.push(new URL(url).pathname);
        fetch(url, { method: method ?? 'GET', headers: header, body: data === undefined ? undefined : JSON.stringify(data) })
          .then(async (response) => {
            const text = await response.text();
            success({ statusCode: response.status, data: text ? JSON.parse(text) : '', header: Object.fromEntries(response.headers) });
          })
          .catch(fail);
      },
      uploadFile({ url, filePath, name, header, success, fail }) {
        readFile(filePath)
          .then((bytes) => {
            const form = new FormData();
            form.append(name, new Blob([bytes], { type: 'image/png' }), 'avatar.png');
            return fetch(url, { method: 'POST', headers: header, body: form });
          })
          .then(async (response) => success({ statusCode: response.status, data: await response.text() }))
          .catch(fail);
      },
      getStorageSync: (key) => storage.get(key) ?? '',
      setStorageSync: (key, value) => storage.set(key, structuredClone(value)),
      removeStorageSync: (key) => storage.delete(key),
    },
  };
  return standIn;
}

const count = (paths: string[], path: string) => paths.filter((each) => each === path).length;

describe('the Mini Program client kit, against the real app', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  function phone(user = persona('kit')): { standIn: StandIn; client: WechatAuthClient; user: string } {
    const standIn = standInWx(t, user);
    return { standIn, user, client: createClient({ baseUrl: t.url, wx: standIn.wx }) };
  }

  /** The stored access token, expired: as a phone finds it after a while in the background. */
  function expireStoredAccessToken(standIn: StandIn): void {
    const stored = standIn.storage.get(STORAGE_KEY) as { accessToken: string; refreshToken: string };
    const { iat: _iat, exp: _exp, ...claims } = jwt.decode(stored.accessToken) as Record<string, unknown>;
    const header = jwt.decode(stored.accessToken, { complete: true })!.header;
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET, { algorithm: 'HS256', header });
    standIn.storage.set(STORAGE_KEY, { ...stored, accessToken: expired });
  }

  it('signs in on the first call and keeps only the token pair', async () => {
    const { standIn, client } = phone();
    const me = await client.request<{ id: string }>({ url: '/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(standIn.wxLogins).toBe(1);
    expect([...standIn.storage.keys()]).toEqual([STORAGE_KEY]);
    expect(Object.keys(standIn.storage.get(STORAGE_KEY) as object).sort()).toEqual(['accessToken', 'refreshToken']);
    expect(JSON.stringify([...standIn.storage.values()])).not.toMatch(/session_?key|secret/i);
  });

  it('refreshes exactly once for ten calls that find the access token expired at the same moment', async () => {
    const { standIn, client } = phone();
    await client.login();
    expireStoredAccessToken(standIn);
    standIn.paths.length = 0;
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.request({ url: '/auth/me' })));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(10).fill(200));
    expect(count(standIn.paths, '/auth/refresh')).toBe(1);
    expect(count(standIn.paths, '/auth/wechat/miniprogram/login')).toBe(0);
  });

  it('signs in again, once, when the session was ended elsewhere', async () => {
    const { standIn, client } = phone();
    const first = (await client.login()) as TokenPair;
    await t.http.post('/auth/logout-all').set(bearer(first.accessToken)).expect(204);
    expireStoredAccessToken(standIn);
    standIn.paths.length = 0;
    const loginsBefore = standIn.wxLogins;
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.request<{ id: string }>({ url: '/auth/me' })));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(5).fill(200));
    expect(answers[0].data.id).toBe(first.user.id);
    expect(standIn.wxLogins - loginsBefore).toBe(1);
    expect(count(standIn.paths, '/auth/wechat/miniprogram/login')).toBe(1);
  });

  it('recovers from a stale session_key once with fresh data, and surfaces it when it stays stale', async () => {
    const { standIn, client, user } = phone();
    await client.login();
    const sealFor = (data: object) =>
      fetch(`${t.url}/sandbox/encrypted-data`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: MINIPROGRAM.appid, user, data }) }).then(
        (response) => response.json() as Promise<{ encryptedData: string; iv: string; rawData: string; signature: string }>,
      );
    // Another wx.login the server never heard of (WeChat's key moved on): data sealed now no longer opens with the server's key.
    const rotateKeyAtWechat = () => fetch(`${t.url}/sandbox/wx.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: MINIPROGRAM.appid, user }) });
    await rotateKeyAtWechat();
    const loginsBefore = standIn.wxLogins;
    const updated = (await client.updateProfile(() => sealFor({ nickName: 'Kit User' }))) as { nickname: string };
    expect(updated.nickname).toBe('Kit User');
    expect(standIn.wxLogins - loginsBefore).toBe(1);

    const stale = client.updateProfile(async () => {
      await rotateKeyAtWechat();
      return sealFor({ nickName: 'Never' });
    });
    await expect(stale).rejects.toMatchObject({ statusCode: 401, code: 'session_key_expired' });
    expect(standIn.wxLogins - loginsBefore).toBe(2);
  });

  it('binds a phone, sets the nickname, uploads an avatar and hands a web-view a ticket', async () => {
    const { client, user } = phone();
    await client.login();
    const code = ((await t.http.post('/sandbox/phone-code').send({ appid: MINIPROGRAM.appid, user }).expect(200)).body as { code: string }).code;
    expect(await client.bindPhone(code)).toMatchObject({ phoneNumber: expect.any(String) });
    expect(await client.setNickname('Typed Name')).toMatchObject({ nickname: 'Typed Name' });
    const folder = await mkdtemp(join(tmpdir(), 'avatar-'));
    try {
      const file = join(folder, 'tmp.png');
      await writeFile(file, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]));
      expect(await client.uploadAvatar(file)).toMatchObject({ avatarUrl: expect.stringMatching(/\/auth\/avatars\/.+\.png$/) });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const { ticket } = await client.webViewTicket();
    await t.http.post('/auth/ticket').send({ ticket }).expect(200);
  });

  it('logs out: the session ends on the server and the phone forgets the pair', async () => {
    const { standIn, client } = phone();
    const pair = (await client.login()) as TokenPair;
    await client.logout();
    expect(standIn.storage.size).toBe(0);
    expect((await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(401)).body.error).toBe('session_revoked');
  });

  it('surfaces what it cannot recover from with the API error code', async () => {
    const { client } = phone();
    await expect(client.bindPhone('not-a-phone-code-0000')).rejects.toMatchObject({ statusCode: 401, code: 'wechat_code_invalid' });
  });
});

describe('the Mini Program client kit, finishing a sign-up that began in an H5 page', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ SIGN_UP_POLICY: 'require-phone' })));
  afterAll(() => t.close());

  /** The H5 page's Official Account login of an unknown person: the ticket it lands on, and the verifier it started with. */
  async function h5SignUp(user: string): Promise<{ signupTicket: string; verifier: string }> {
    // A page that lets people sign up asks for consent: only then does WeChat name the unionid the Mini Program's wx.login must match.
    const journey = await oauthJourney(t, user, { scope: 'snsapi_userinfo' });
    const fragment = new URLSearchParams((journey.callback.headers.location as string).split('#')[1]);
    return { signupTicket: fragment.get('signupTicket')!, verifier: journey.verifier };
  }

  it('sends the page’s verifier with the phone code, and signs in', async () => {
    const user = persona('kit-h5');
    const standIn = standInWx(t, user);
    const client = createClient({ baseUrl: t.url, wx: standIn.wx });
    const { signupTicket, verifier } = await h5SignUp(user);
    const signedUp = await client.signUpWithPhone(signupTicket, await phoneCode(t, user, uniquePhone()), verifier);
    expect(signedUp.user.isNew).toBe(true);
    expect((await client.request<{ identities: unknown[] }>({ url: '/auth/me' })).data.identities).toEqual([
      expect.objectContaining({ appType: 'official_account' }),
    ]);
  });

  it('finishes a sign-up of its own login() with a wx.login of its own, and keeps the pair', async () => {
    const user = persona('kit-mp');
    const standIn = standInWx(t, user);
    const client = createClient({ baseUrl: t.url, wx: standIn.wx });
    const pending = await client.login();
    expect(pending).toMatchObject({ next: 'phone' });
    const signedUp = await client.signUpWithPhone((pending as { signupTicket: string }).signupTicket, await phoneCode(t, user, uniquePhone()));
    expect(signedUp.user.isNew).toBe(true);
    expect(standIn.wxLogins).toBe(2);
    expect(standIn.storage.get(STORAGE_KEY)).toEqual({ accessToken: signedUp.accessToken, refreshToken: signedUp.refreshToken });
  });

  it('is refused when the ticket and verifier are someone else’s (a link): its own wx.login names another person', async () => {
    const [sender, reader] = [persona('kit-sender'), persona('kit-reader')];
    const readerPhone = createClient({ baseUrl: t.url, wx: standInWx(t, reader).wx });
    const { signupTicket, verifier } = await h5SignUp(sender);
    await expect(readerPhone.signUpWithPhone(signupTicket, await phoneCode(t, reader, uniquePhone()), verifier)).rejects.toMatchObject({
      statusCode: 401,
      code: 'ticket_invalid',
    });
    const senderPhone = createClient({ baseUrl: t.url, wx: standInWx(t, sender).wx });
    await expect(senderPhone.signUpWithPhone(signupTicket, await phoneCode(t, sender, uniquePhone()), verifier)).rejects.toMatchObject({ code: 'ticket_invalid' });
  });

  it('is refused without it (a ticket that came as a link), and the ticket is burnt', async () => {
    const user = persona('kit-h5');
    const client = createClient({ baseUrl: t.url, wx: standInWx(t, user).wx });
    const { signupTicket, verifier } = await h5SignUp(user);
    await expect(client.signUpWithPhone(signupTicket, await phoneCode(t, user, uniquePhone()))).rejects.toMatchObject({ statusCode: 401, code: 'ticket_invalid' });
    await expect(client.signUpWithPhone(signupTicket, await phoneCode(t, user, uniquePhone()), verifier)).rejects.toMatchObject({ code: 'ticket_invalid' });
  });
});
