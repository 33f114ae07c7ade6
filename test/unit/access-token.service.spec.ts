import { loadAppConfig } from '../../src/app/config/app-config';
import { AccessTokenService } from '../../src/wechat-auth/tokens/access-token.service';

const SECRET = 'unit-test-secret-unit-test-secret-0123456789';

describe('AccessTokenService', () => {
  const service = new AccessTokenService(loadAppConfig({ JWT_SECRET: SECRET, ACCESS_TOKEN_TTL: '60' }));

  afterEach(() => jest.useRealTimers());

  it('verifies what it signs, with the same answer from its cache', () => {
    const signedIn = new Date('2026-11-23T08:00:00Z');
    const token = service.sign({ id: 'user-1', roles: ['user', 'admin'] }, 'session-1', signedIn);
    const first = service.verify(token);
    expect(first).toEqual({ id: 'user-1', sessionId: 'session-1', roles: ['user', 'admin'], authTime: signedIn.getTime() / 1000 });
    expect(service.verify(token)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
  });

  it('refuses a cached token once it has expired (after the clock tolerance)', () => {
    jest.useFakeTimers({ now: Date.now() });
    const token = service.sign({ id: 'user-2', roles: ['user'] }, 'session-2', new Date());
    service.verify(token);
    jest.setSystemTime(Date.now() + 64_000);
    expect(service.verify(token).id).toBe('user-2');
    jest.setSystemTime(Date.now() + 2_000);
    expect(() => service.verify(token)).toThrow(expect.objectContaining({ code: 'token_expired' }));
  });

  it('accepts tokens of a previous key and signs with the current one', () => {
    const previous = new AccessTokenService(loadAppConfig({ JWT_SECRET: 'o'.repeat(40), JWT_KEY_ID: 'k1' }));
    const rotated = new AccessTokenService(
      loadAppConfig({ JWT_SECRET: SECRET, JWT_KEY_ID: 'k2', JWT_PREVIOUS_KEYS: `k1:${'o'.repeat(40)}` }),
    );
    expect(rotated.verify(previous.sign({ id: 'u', roles: [] }, 's', new Date())).id).toBe('u');
    expect(() => previous.verify(rotated.sign({ id: 'u', roles: [] }, 's', new Date()))).toThrow(expect.objectContaining({ code: 'invalid_token' }));
  });
});
