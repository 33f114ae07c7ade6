import { AppError } from '../../src/wechat-auth/core/errors/app-error';
import { loadAppConfig } from '../../src/app/config/app-config';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { OAuthStateSigner, STATE_TTL_SECONDS } from '../../src/wechat-auth/wechat/oauth/oauth-state';

const OFFICIAL_ACCOUNT = DEMO_APPS.find((app) => app.type === 'official_account')!;
const WEBSITE = DEMO_APPS.find((app) => app.type === 'website')!;
const REAL_SECRET = 'k3Jq9vX2mP7rT4wY8zB1nC6dF0gH5jL2';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : (error as Error).message;
  }
  return 'no error';
}

describe('OAuth state', () => {
  const signer = new OAuthStateSigner(loadAppConfig({ NODE_ENV: 'test', JWT_SECRET: REAL_SECRET }));

  it('is at most 128 characters of [a-zA-Z0-9], unique, and verifies for its app and return path', () => {
    const states = Array.from({ length: 200 }, () => signer.sign(OFFICIAL_ACCOUNT, '/r', { challenge: Buffer.alloc(32, 1) }));
    for (const state of states) {
      expect(state).toMatch(/^[a-zA-Z0-9]{1,128}$/);
      expect(signer.verify(state, OFFICIAL_ACCOUNT, '/r').nonce).toHaveLength(12);
    }
    expect(new Set(states).size).toBe(200);
  });

  it('refuses another app, another return path, expiry, and a key it was not signed with', () => {
    const now = Date.now();
    const state = signer.sign(OFFICIAL_ACCOUNT, '/r', { challenge: Buffer.alloc(32, 1) }, now);
    expect(errorOf(() => signer.verify(state, WEBSITE, '/r', now))).toBe('state_invalid');
    expect(errorOf(() => signer.verify(state, OFFICIAL_ACCOUNT, '/other', now))).toBe('state_invalid');
    expect(errorOf(() => signer.verify(state, OFFICIAL_ACCOUNT, '/r', now + STATE_TTL_SECONDS * 1000 + 1000))).toBe('state_invalid');
    const otherKey = new OAuthStateSigner(loadAppConfig({ NODE_ENV: 'test', JWT_SECRET: REAL_SECRET, OAUTH_STATE_SECRET: 'another-state-secret-0123456789abcdef' }));
    expect(errorOf(() => otherKey.verify(state, OFFICIAL_ACCOUNT, '/r', now))).toBe('state_invalid');
    expect(errorOf(() => signer.verify(undefined, OFFICIAL_ACCOUNT, '/r', now))).toBe('state_invalid');
    expect(errorOf(() => signer.verify('z'.repeat(state.length), OFFICIAL_ACCOUNT, '/r', now))).toBe('state_invalid');
  });
});

describe('OAuth configuration', () => {
  const app = (type: string) => ({ key: 'shop', type, appid: 'wx1234567890abcdef', secret: '9f3c1a7e52b84d06c3e9a1f07b6d2c48' });
  const production = (env: Record<string, string>) =>
    loadAppConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/wechat_auth', JWT_SECRET: REAL_SECRET, DATA_ENCRYPTION_KEY: 'q1Vd3Xo6Zt9Lc2Bn5Mk8Rp0Sw4Hy7Jg1Fe3Da6Ub9Ci=', WECHAT_APPS: JSON.stringify([app('official_account')]), ...env });

  it('builds callbacks on PUBLIC_BASE_URL and reads frontend origins and the exchange window', () => {
    const config = production({ PUBLIC_BASE_URL: 'https://api.shop.example/', FRONTEND_ORIGINS: 'https://shop.example, http://localhost:5173', CODE_EXCHANGE_WINDOW_SECONDS: '10' });
    expect(config.oauth.publicBaseUrl).toBe('https://api.shop.example');
    expect(config.oauth.frontendOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
    expect(config.wechat.codeExchangeWindowSeconds).toBe(10);
    expect(loadAppConfig({ NODE_ENV: 'test' }).wechat.codeExchangeWindowSeconds).toBe(30);
  });

  it('refuses production without PUBLIC_BASE_URL, OAuth apps or not (avatar URLs are built from it too)', () => {
    expect(errorOf(() => production({}))).toMatch(/PUBLIC_BASE_URL must be set in production/);
    expect(errorOf(() => production({ WECHAT_APPS: JSON.stringify([app('miniprogram')]) }))).toMatch(/PUBLIC_BASE_URL must be set in production \(avatar URLs/);
    expect(errorOf(() => production({ WECHAT_APPS: JSON.stringify([app('miniprogram')]), PUBLIC_BASE_URL: 'https://api.shop.example' }))).toBe('no error');
  });

  it.each([
    ['a frontend origin with a path', { FRONTEND_ORIGINS: 'https://shop.example/app' }, /FRONTEND_ORIGINS/],
    ['a frontend origin with a trailing slash', { FRONTEND_ORIGINS: 'https://shop.example/' }, /FRONTEND_ORIGINS/],
    ['a non-http frontend origin', { FRONTEND_ORIGINS: 'javascript:alert(1)' }, /FRONTEND_ORIGINS/],
    ['a public base URL with a query', { PUBLIC_BASE_URL: 'https://api.shop.example/?x=1' }, /PUBLIC_BASE_URL/],
    ['a placeholder state secret', { OAUTH_STATE_SECRET: 'x'.repeat(40) }, /OAUTH_STATE_SECRET/],
    ['a window longer than a code lives', { CODE_EXCHANGE_WINDOW_SECONDS: '301' }, /CODE_EXCHANGE_WINDOW_SECONDS/],
  ])('refuses %s', (_label, env, message) => {
    expect(errorOf(() => loadAppConfig({ NODE_ENV: 'test', ...env }))).toMatch(message);
  });
});
