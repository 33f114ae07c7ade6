import { loadAppConfig } from '../../src/app/config/app-config';
import { AccessTokenService } from '../../src/wechat-auth/tokens/access-token.service';

const SECRET = 'unit-test-secret-unit-test-secret-0123456789';

describe('AccessTokenService', () => {
  const service = new AccessTokenService(loadAppConfig({ JWT_SECRET: SECRET, ACCESS_TOKEN_TTL: '60' }));

  afterEach(() => jest.useRealTimers());

  it('verifies what it signs, with the same answer from its cache', () => {
    const signedIn = new Date('2026-11-23T08:00:00Z');
    const token = service.sign({ id: 'user-1', roles: ['user', 'admin'] }, 'session-1', signedIn);
    const first = service.authenticate('Bearer ' + token);
    expect(first).toEqual({ id: 'user-1', sessionId: 'session-1', roles: ['user', 'admin'], authTime: signedIn.getTime() / 1000 });
    expect(service.authenticate('Bearer ' + token)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
  });

  it('authenticates an Authorization header, remembering the verdict under the header as sent', () => {
    const token = service.sign({ id: 'user-3', roles: ['user'] }, 'session-3', new Date());
    const user = service.authenticate(`Bearer ${token}`);
    expect(user.id).toBe('user-3');
    expect(service.authenticate(`Bearer ${token}`)).toBe(user);
    expect(service.authenticate(`bearer  ${token} `).sessionId).toBe('session-3');
    for (const header of [`Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -2)}`, 'Bearer', `Bearer ${token} extra`]) {
      expect(() => service.authenticate(header)).toThrow(expect.objectContaining({ code: 'invalid_token' }));
    }
  });

  it('never lets a cached signature vouch for other claims', () => {
    const token = service.sign({ id: 'user-4', roles: ['user'] }, 'session-4', new Date());
    expect(service.authenticate(`Bearer ${token}`).roles).toEqual(['user']);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'user-5', roles: ['admin'] })).toString('base64url');
    expect(() => service.authenticate(`Bearer ${header}.${forged}.${signature}`)).toThrow(expect.objectContaining({ code: 'invalid_token' }));
    // The genuine token is still remembered as it was.
    expect(service.authenticate(`Bearer ${token}`)).toMatchObject({ id: 'user-4', roles: ['user'] });
  });

  it('keeps headers that end alike apart: each is verified as sent, and a short one is refused', () => {
    const token = service.sign({ id: 'user-6', roles: ['user'] }, 'session-6', new Date());
    // The same last characters, so the same place in the cache: each header must still be answered for itself.
    const headers = [`Bearer ${token}`, `Bearer  ${token}`, `bearer ${token}`];
    for (let round = 0; round < 2; round++) {
      for (const header of headers) expect(service.authenticate(header)).toMatchObject({ id: 'user-6', sessionId: 'session-6' });
    }
    // A header asked again at once is answered from the cache: the key is the same for the same text.
    for (const header of headers) expect(service.authenticate(header)).toBe(service.authenticate(header));
    for (const header of ['', 'Bearer', `Bearer ${token.slice(-8)}`]) {
      expect(() => service.authenticate(header)).toThrow(expect.objectContaining({ code: 'invalid_token' }));
    }
  });

  it('refuses a cached token once it has expired (after the clock tolerance)', () => {
    jest.useFakeTimers({ now: Date.now() });
    const token = service.sign({ id: 'user-2', roles: ['user'] }, 'session-2', new Date());
    service.authenticate('Bearer ' + token);
    jest.setSystemTime(Date.now() + 64_000);
    expect(service.authenticate('Bearer ' + token).id).toBe('user-2');
    jest.setSystemTime(Date.now() + 2_000);
    expect(() => service.authenticate('Bearer ' + token)).toThrow(expect.objectContaining({ code: 'token_expired' }));
  });

  it('accepts tokens of a previous key and signs with the current one', () => {
    const previous = new AccessTokenService(loadAppConfig({ JWT_SECRET: 'o'.repeat(40), JWT_KEY_ID: 'k1' }));
    const rotated = new AccessTokenService(
      loadAppConfig({ JWT_SECRET: SECRET, JWT_KEY_ID: 'k2', JWT_PREVIOUS_KEYS: `k1:${'o'.repeat(40)}` }),
    );
    expect(rotated.authenticate('Bearer ' + previous.sign({ id: 'u', roles: [] }, 's', new Date())).id).toBe('u');
    expect(() => previous.authenticate('Bearer ' + rotated.sign({ id: 'u', roles: [] }, 's', new Date()))).toThrow(expect.objectContaining({ code: 'invalid_token' }));
  });
});
