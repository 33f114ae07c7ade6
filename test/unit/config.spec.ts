import { ConfigError, loadAppConfig } from '../../src/app/config/app-config';

const REAL_SECRET = 'r8Kx2mQ9vLp4Wn7Zt1Yc6Hb3Jd5Fg0Se';
const REAL_APP_SECRET = '9f3c1a7e52b84d06c3e9a1f07b6d2c48';
const app = (fields: Record<string, unknown>) => ({ key: 'shop', type: 'miniprogram', appid: 'wx1234567890abcdef', secret: REAL_APP_SECRET, ...fields });
const DATABASE_URL = 'postgres://wechat:s3cret@db:5432/wechat_auth';
const REAL_DATA_KEY = 'q1Vd3Xo6Zt9Lc2Bn5Mk8Rp0Sw4Hy7Jg1Fe3Da6Ub9Ci=';
const production = (env: Record<string, string>) =>
  loadAppConfig({
    NODE_ENV: 'production',
    DATABASE_URL,
    JWT_SECRET: REAL_SECRET,
    DATA_ENCRYPTION_KEY: REAL_DATA_KEY,
    WECHAT_APPS: JSON.stringify([app({})]),
    PUBLIC_BASE_URL: 'https://api.shop.example',
    ...env,
  });

function problem(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('runs with no configuration at all outside production: embedded database, sandbox, demo apps', () => {
    const config = loadAppConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.sandbox).toEqual({ enabled: true, mounted: true });
    expect(config.wechat.apps.map((demo) => demo.type)).toEqual(['miniprogram', 'official_account', 'website', 'mobile_app']);
    expect(config.wechat.apiBaseUrl).toBe('http://127.0.0.1:3000/sandbox');
    expect(config.auth.secretGenerated).toBe(true);
  });

  it('treats empty variables as unset, as compose files write them', () => {
    const config = loadAppConfig({ PORT: '', DATABASE_URL: '', WECHAT_APPS: '', JWT_SECRET: '' });
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.sandbox.enabled).toBe(true);
  });

  it('honours PORT', () => {
    expect(loadAppConfig({ PORT: '4100' }).port).toBe(4100);
    expect(problem(() => loadAppConfig({ PORT: 'eighty' }))).toMatch(/PORT/);
  });

  it('starts in production with real settings, talking to WeChat itself', () => {
    const config = production({});
    expect(config.sandbox.enabled).toBe(false);
    expect(config.wechat.apiBaseUrl).toBe('https://api.weixin.qq.com');
  });

  it.each([
    ['no JWT secret', { JWT_SECRET: '' }, /JWT_SECRET/],
    ['a placeholder JWT secret', { JWT_SECRET: 'change-me' }, /JWT_SECRET/],
    ['a short JWT secret', { JWT_SECRET: 'short' }, /JWT_SECRET: must be at least 32 characters/],
    ['no WeChat apps', { WECHAT_APPS: '' }, /WECHAT_APPS must be set in production/],
    ['no data encryption key', { DATA_ENCRYPTION_KEY: '' }, /DATA_ENCRYPTION_KEY must be set in production/],
    // A Mini Program only set-up has no OAuth callback, but its uploaded avatars would point at http://127.0.0.1:<port>.
    ['no public base URL for a Mini Program only', { PUBLIC_BASE_URL: '' }, /PUBLIC_BASE_URL must be set in production \(avatar URLs/],
  ])('refuses production with %s, in one line', (_label, env, message) => {
    const withUnset = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value || undefined]));
    expect(problem(() => production(withUnset as Record<string, string>))).toMatch(message);
  });

  it.each([
    ['a JWT secret made of a repeated word', { JWT_SECRET: 'changemechangemechangemechangeme' }, /JWT_SECRET looks like a placeholder/],
    ['a JWT secret that repeats a pattern', { JWT_SECRET: 'k3Y9k3Y9k3Y9k3Y9k3Y9k3Y9k3Y9k3Y9' }, /JWT_SECRET is a repeated pattern/],
    ['a data key of 32 zero bytes', { DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }, /DATA_ENCRYPTION_KEY is a repeated byte pattern/],
    ['an AppSecret of 16 a', { WECHAT_APPS: JSON.stringify([app({ secret: 'a'.repeat(16) })]) }, /the secret of shop is not a WeChat AppSecret/],
    ['a WeChat API over plain HTTP', { WECHAT_API_BASE_URL: 'http://api.weixin.qq.com' }, /WECHAT_API_BASE_URL must be https/],
    ['no DATABASE_URL', { DATABASE_URL: '' }, /DATABASE_URL must be set in production/],
  ])('refuses production with %s', (_label, env, message) => {
    const withUnset = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value || undefined]));
    expect(problem(() => production(withUnset as Record<string, string>))).toMatch(message);
  });

  it('names every unsafe setting in one line', () => {
    const message = problem(() => production({ JWT_SECRET: 'changemechangemechangemechangeme', DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), WECHAT_API_BASE_URL: 'http://x.example' }));
    expect(message).toMatch(/JWT_SECRET.*DATA_ENCRYPTION_KEY.*WECHAT_API_BASE_URL/);
  });

  it('applies the production rules to real apps whatever NODE_ENV says', () => {
    const message = problem(() => loadAppConfig({ WECHAT_APPS: JSON.stringify([app({})]) }));
    expect(message).toMatch(/real WeChat apps are configured/);
    expect(message).toMatch(/JWT_SECRET must be set/);
    expect(message).toMatch(/DATA_ENCRYPTION_KEY must be set/);
  });

  it('listens on loopback with API docs outside production, on every interface without docs in production, unless told', () => {
    expect(loadAppConfig({})).toMatchObject({ host: '127.0.0.1', apiDocs: true });
    expect(production({})).toMatchObject({ host: '0.0.0.0', apiDocs: false });
    expect(production({ HOST: '10.0.0.5', API_DOCS: 'true' })).toMatchObject({ host: '10.0.0.5', apiDocs: true });
  });

  it.each([
    ['an app without a secret', [app({ secret: undefined })], /every app needs its secret/],
    ['an unknown app type', [app({ type: 'mini-game' })], /type must be one of miniprogram, official_account, website, mobile_app/],
    ['a malformed appid', [app({ appid: 'abc' })], /appid/],
    ['two apps with one key', [app({}), app({ appid: 'wx1234567890abcdee' })], /app keys must be unique/],
    ['a field we do not know', [app({ colour: 'green' })], /colour/],
  ])('refuses %s', (_label, apps, message) => {
    expect(problem(() => loadAppConfig({ WECHAT_APPS: JSON.stringify(apps) }))).toMatch(message);
  });

  it('takes TRUST_PROXY as the proxies to trust, never as "trust whatever X-Forwarded-For says"', () => {
    expect(loadAppConfig({}).trustProxy).toBe(false);
    expect(loadAppConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toBe('10.0.0.0/8, loopback');
    expect(loadAppConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    // true would take the left-most X-Forwarded-For value, which the client writes itself.
    for (const load of [() => loadAppConfig({ TRUST_PROXY: 'true' }), () => production({ TRUST_PROXY: 'true' })]) {
      expect(problem(load)).toMatch(/TRUST_PROXY: must name the proxies, not be true .*addresses or subnets/);
    }
  });

  it('limits how long clients may take, 10 s for headers, 30 s for a request, 60 s of silence, 5 s between requests, unless told', () => {
    expect(loadAppConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 });
    expect(loadAppConfig({ HTTP_REQUEST_TIMEOUT_MS: '120000', HTTP_IDLE_TIMEOUT_MS: '90000' }).http).toMatchObject({ requestTimeoutMs: 120_000, idleTimeoutMs: 90_000 });
    expect(problem(() => loadAppConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' }))).toMatch(/HTTP_REQUEST_TIMEOUT_MS/);
    expect(problem(() => loadAppConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '15000' }))).toMatch(/HTTP_HEADERS_TIMEOUT_MS must not be longer/);
    expect(problem(() => loadAppConfig({ WECHAT_TIMEOUT_MS: '40000' }))).toMatch(/HTTP_IDLE_TIMEOUT_MS must be at least twice WECHAT_TIMEOUT_MS/);
  });

  it('refuses WECHAT_APPS that is not JSON', () => {
    expect(problem(() => loadAppConfig({ WECHAT_APPS: '[{key:' }))).toMatch(/WECHAT_APPS: must be a JSON array/);
  });

  it('keeps previous JWT keys for verification so keys can rotate', () => {
    const config = loadAppConfig({ JWT_SECRET: REAL_SECRET, JWT_KEY_ID: 'k2', JWT_PREVIOUS_KEYS: `k1:${'o'.repeat(40)}` });
    expect(config.auth.signingKey.kid).toBe('k2');
    expect(config.auth.verificationKeys.map((key) => key.kid)).toEqual(['k2', 'k1']);
  });
});
