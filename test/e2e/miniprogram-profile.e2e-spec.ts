import { DataSource } from 'typeorm';
import { SessionKeyRepository } from '../../src/wechat-auth/users/session-key.repository';
import { SandboxWorld } from '../../src/sandbox/sandbox-world';
import { bearer, PROFILE, sealUserData } from '../support/miniprogram-data';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

const ALICE = { nickName: 'Alice 小程序', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/alice/132', gender: 0, language: 'zh_CN' };

describe('Mini Program encrypted profile and the session_key (real app, real PostgreSQL, sandbox over HTTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const sql = (text: string, params: unknown[]) => t.app.get(DataSource).query(text, params);

  async function signedIn(): Promise<{ user: string; pair: TokenPairBody }> {
    const user = persona();
    return { user, pair: await loginAs(t, user) };
  }

  async function me(pair: TokenPairBody) {
    return (await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200)).body as { nickname: string | null; avatarUrl: string | null };
  }

  it('updates the profile from signed encrypted data', async () => {
    const { user, pair } = await signedIn();
    const sealed = await sealUserData(t, user, ALICE);
    const response = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(sealed).expect(200);
    expect(response.body).toMatchObject({ id: pair.user.id, nickname: ALICE.nickName, avatarUrl: ALICE.avatarUrl, identities: [expect.objectContaining({ appid: MINIPROGRAM.appid })] });
    expect(await me(pair)).toMatchObject({ nickname: ALICE.nickName, avatarUrl: ALICE.avatarUrl });
  });

  it('refuses user info about another WeChat user, sealed with the caller’s own session_key', async () => {
    const { user, pair } = await signedIn();
    const sealed = await sealUserData(t, user, { ...ALICE, openId: 'oSomeoneElse000000000000000' });
    const response = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(sealed).expect(400);
    expect(response.body.error).toBe('invalid_request');
    expect((await me(pair)).nickname).not.toBe(ALICE.nickName);
  });

  it('updates the profile from encrypted data sent without rawData and signature', async () => {
    const { user, pair } = await signedIn();
    const { encryptedData, iv } = await sealUserData(t, user, { nickName: 'Bob' });
    const response = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send({ encryptedData, iv }).expect(200);
    expect(response.body.nickname).toBe('Bob');
  });

  it('refuses rawData that does not match its signature, and leaves the profile alone', async () => {
    const { user, pair } = await signedIn();
    const sealed = await sealUserData(t, user, ALICE);
    const tampered = { ...sealed, rawData: sealed.rawData.replace('Alice', 'Mallory') };
    const response = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(tampered).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_request', message: 'signature does not match rawData.' });
    expect(await me(pair)).toMatchObject({ nickname: null });
    const half = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send({ ...sealed, signature: undefined }).expect(400);
    expect(half.body.message).toMatch(/together/);
  });

  it('refuses data whose watermark names another app', async () => {
    const { user, pair } = await signedIn();
    const sealed = await sealUserData(t, user, { ...ALICE, watermark: { appid: 'wx00000000000000ff', timestamp: 1_700_000_000 } });
    const response = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(sealed).expect(400);
    expect(response.body.message).toMatch(/another app/);
    expect(await me(pair)).toMatchObject({ nickname: null });
  });

  it('answers session_key_expired for data sealed with a session_key a later wx.login replaced', async () => {
    const { user, pair } = await signedIn();
    const stale = await sealUserData(t, user, ALICE);
    const second = await loginAs(t, user);
    const response = await t.http.post(PROFILE).set(bearer(second.accessToken)).send(stale).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'session_key_expired', message: expect.stringMatching(/wx\.login/) });
    // The user called wx.login but has not logged in with that code yet: we still hold the older key.
    await wxLogin(t, user);
    const ahead = await sealUserData(t, user, ALICE);
    expect((await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(ahead).expect(401)).body.error).toBe('session_key_expired');
    expect(await me(pair)).toMatchObject({ nickname: null });
  });

  it.each([
    ['a nickname too long', { nickName: 'x'.repeat(65) }, /nickName/],
    ['a nickname with control characters', { nickName: 'a\u0007b' }, /nickName/],
    ['an avatar that is not a web URL', { avatarUrl: 'javascript:alert(1)' }, /avatarUrl/],
  ])('validates the decrypted fields before storing them: refuses %s', async (_label, data, message) => {
    const { user, pair } = await signedIn();
    const response = await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(await sealUserData(t, user, data)).expect(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(message) });
    expect(await me(pair)).toMatchObject({ nickname: null, avatarUrl: null });
  });

  it('refuses a malformed body before touching the session_key', async () => {
    const { pair } = await signedIn();
    for (const body of [{ iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }, { encryptedData: 'not base64!', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }, { encryptedData: 'AAAA', iv: 'short' }]) {
      expect((await t.http.post(PROFILE).set(bearer(pair.accessToken)).send(body).expect(400)).body.error).toBe('invalid_request');
    }
    expect((await t.http.post(PROFILE).send({ encryptedData: 'AAAA', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }).expect(401)).body.error).toBe('unauthorized');
  });

  it('keeps the session_key encrypted at rest and replaces it at every login', async () => {
    const user = persona();
    const first = await loginAs(t, user);
    const world = t.app.get(SandboxWorld);
    const read = async () =>
      ((await sql('SELECT session_key FROM wechat_identities WHERE user_id = $1', [first.user.id])) as Array<{ session_key: string }>)[0].session_key;

    const firstKey = world.sessionKey(MINIPROGRAM.appid, user)!;
    const firstStored = await read();
    expect(firstStored).toMatch(/^v1\.dev\./);
    expect(firstStored).not.toContain(firstKey);
    expect(firstStored).not.toContain(Buffer.from(firstKey, 'base64').toString('hex'));
    expect((await t.app.get(SessionKeyRepository).find(first.user.id, MINIPROGRAM.appid))?.sessionKey).toBe(firstKey);

    await loginAs(t, user);
    const secondKey = world.sessionKey(MINIPROGRAM.appid, user)!;
    expect(secondKey).not.toBe(firstKey);
    expect(await read()).not.toBe(firstStored);
    expect((await t.app.get(SessionKeyRepository).find(first.user.id, MINIPROGRAM.appid))?.sessionKey).toBe(secondKey);
  });

  it('treats a sealed session_key moved onto another identity as no key at all', async () => {
    const a = await signedIn();
    const b = await signedIn();
    await sql(
      `UPDATE wechat_identities SET session_key = (SELECT session_key FROM wechat_identities WHERE user_id = $1) WHERE user_id = $2`,
      [a.pair.user.id, b.pair.user.id],
    );
    const sealed = await sealUserData(t, a.user, ALICE);
    expect((await t.http.post(PROFILE).set(bearer(b.pair.accessToken)).send(sealed).expect(401)).body.error).toBe('session_key_expired');
  });
});
