import * as jwt from 'jsonwebtoken';
import { loginAs, startTestApp, TEST_JWT_SECRET, TestApp, TokenPairBody } from '../support/test-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
}

describe('access tokens, refresh rotation and logout', () => {
  let t: TestApp;
  let pair: TokenPairBody;

  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    pair = await loginAs(t);
  });
  afterAll(() => t.close());

  /** A token signed with our real key, so only the claim under test is wrong. */
  function forge(overrides: { payload?: object; header?: object } = {}): string {
    const real = jwt.decode(pair.accessToken) as Record<string, unknown>;
    const header = decodeHeader(pair.accessToken);
    const { iat: _iat, exp: _exp, ...claims } = real;
    const exp = Math.floor(Date.now() / 1000) + 900;
    return jwt.sign({ ...claims, exp, ...overrides.payload }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      header: { ...header, ...overrides.header } as unknown as jwt.JwtHeader,
    });
  }

  it('issues an at+jwt with the claims of API.md and nothing WeChat-specific', () => {
    expect(decodeHeader(pair.accessToken)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = jwt.decode(pair.accessToken) as Record<string, unknown>;
    expect(Object.keys(claims).sort()).toEqual(['aud', 'auth_time', 'exp', 'iat', 'iss', 'roles', 'sid', 'sub']);
    // Issued by a sign-in: the sign-in time is the issue time.
    expect(Math.abs((claims.auth_time as number) - (claims.iat as number))).toBeLessThanOrEqual(1);
    expect(claims).toMatchObject({ sub: pair.user.id, roles: ['user'], iss: 'wechat-auth', aud: 'wechat-auth' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });

  it('lets the example module greet a signed-in caller and refuses one without a token', async () => {
    const greeted = await t.http.get('/greetings').set(bearer(pair.accessToken)).expect(200);
    expect(greeted.body).toEqual({ message: `Hello, user ${pair.user.id}.`, userId: pair.user.id });
    const anonymous = await t.http.get('/greetings').expect(401);
    expect(anonymous.body).toEqual({ statusCode: 401, error: 'unauthorized', message: expect.any(String) });
    await t.http.get('/greetings/public').expect(200);
  });

  it('refuses the admin greeting to a caller without the admin role', async () => {
    const response = await t.http.get('/greetings/admin').set(bearer(pair.accessToken)).expect(403);
    expect(response.body.error).toBe('forbidden');
  });

  it('shows the caller their user and identities at /auth/me', async () => {
    const response = await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200);
    expect(response.body).toMatchObject({ id: pair.user.id, roles: ['user'], status: 'active', phone: null });
    expect(response.body.identities).toEqual([
      expect.objectContaining({ app: 'demo-miniprogram', appType: 'miniprogram', openid: expect.stringMatching(/^o/) }),
    ]);
    expect(response.text).not.toMatch(/session_?key/i);
  });

  it.each([
    ['a tampered payload', () => {
      const [header, , signature] = pair.accessToken.split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'someone-else', sid: 'x', roles: ['admin'] })).toString('base64url');
      return `${header}.${payload}.${signature}`;
    }, 'invalid_token'],
    ['alg none', () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: decodeHeader(pair.accessToken).kid })).toString('base64url');
      return `${header}.${pair.accessToken.split('.')[1]}.`;
    }, 'invalid_token'],
    ['an expired token', () => forge({ payload: { exp: Math.floor(Date.now() / 1000) - 60 } }), 'token_expired'],
    ['a wrong audience', () => forge({ payload: { aud: 'another-service' } }), 'invalid_token'],
    ['a wrong issuer', () => forge({ payload: { iss: 'someone-else' } }), 'invalid_token'],
    ['a wrong typ', () => forge({ header: { typ: 'JWT' } }), 'invalid_token'],
    ['an unknown kid', () => forge({ header: { kid: 'not-ours' } }), 'invalid_token'],
    ['a token signed with another key', () => jwt.sign({ sid: 's', roles: ['admin'] }, 'another-secret-another-secret-123', {
      algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt', kid: decodeHeader(pair.accessToken).kid } as jwt.JwtHeader,
      issuer: 'wechat-auth', audience: 'wechat-auth', subject: pair.user.id, expiresIn: 900,
    }), 'invalid_token'],
    ['garbage', () => 'not.a.jwt', 'invalid_token'],
  ])('refuses %s', async (_label, makeToken, error) => {
    const response = await t.http.get('/greetings').set(bearer(makeToken())).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error, message: expect.any(String) });
  });

  it('accepts a token forged with all the right claims (the forge itself is sound)', async () => {
    await t.http.get('/greetings').set(bearer(forge())).expect(200);
  });

  it('rotates the refresh token on every use', async () => {
    const first = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body.refreshToken).not.toBe(pair.refreshToken);
    expect(first.body.user).toMatchObject({ id: pair.user.id, isNew: false });
    const second = await t.http.post('/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    await t.http.get('/greetings').set(bearer(second.body.accessToken)).expect(200);
  });

  it('ends the whole session when a rotated refresh token comes back after its successor was used', async () => {
    const rotated = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    const newer = await t.http.post('/auth/refresh').send({ refreshToken: rotated.body.refreshToken }).expect(200);
    // Within the grace window, but the session has moved on twice since: a replay, not a second tab.
    const reuse = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    expect(reuse.body.error).toBe('refresh_token_reused');

    const newest = await t.http.post('/auth/refresh').send({ refreshToken: newer.body.refreshToken }).expect(401);
    expect(newest.body.error).toBe('session_revoked');
    const access = await t.http.get('/greetings').set(bearer(newer.body.accessToken)).expect(401);
    expect(access.body.error).toBe('session_revoked');
  });

  it('refuses unknown refresh tokens', async () => {
    for (const refreshToken of ['x'.repeat(43), 'short', pair.accessToken]) {
      const response = await t.http.post('/auth/refresh').send({ refreshToken }).expect(401);
      expect(response.body.error).toBe('refresh_token_invalid');
    }
    const malformed = await t.http.post('/auth/refresh').send({ refreshToken: 42 }).expect(400);
    expect(malformed.body.error).toBe('invalid_request');
  });

  it('logs out: the access token is refused from the next request, the refresh token too', async () => {
    await t.http.get('/greetings').set(bearer(pair.accessToken)).expect(200);
    await t.http.post('/auth/logout').set(bearer(pair.accessToken)).expect(204);
    const access = await t.http.get('/greetings').set(bearer(pair.accessToken)).expect(401);
    expect(access.body.error).toBe('session_revoked');
    const refresh = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    expect(refresh.body.error).toBe('session_revoked');
  });

  it('keeps other sessions of the same user alive after one logs out', async () => {
    const other = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    const second = await loginAs(t);
    await t.http.post('/auth/logout').set(bearer(second.accessToken)).expect(204);
    await t.http.get('/greetings').set(bearer(other.body.accessToken)).expect(200);
  });

  it('publishes an empty JWKS for HMAC-signed tokens', async () => {
    const response = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(response.body).toEqual({ keys: [] });
  });
});
