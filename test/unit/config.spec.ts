import { ConfigError, loadAppConfig } from '../../src/app/config/app-config';

const REAL_SECRET = 'r8Kx2mQ9vLp4Wn7Zt1Yc6Hb3Jd5Fg0Se';
const app = (fields: Record<string, unknown>) => ({ key: 'shop', type: 'miniprogram', appid: 'wx1234567890abcdef', secret: 'a'.repeat(32), ...fields });
const REAL_DATA_KEY = 'q1Vd3Xo6Zt9Lc2Bn5Mk8Rp0Sw4Hy7Jg1Fe3Da6Ub9Ci=';
const production = (env: Record<string, string>) =>
  loadAppConfig({ NODE_ENV: 'production', JWT_SECRET: REAL_SECRET, DATA_ENCRYPTION_KEY: REAL_DATA_KEY, WECHAT_APPS: JSON.stringify([app({})]), ...env });

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
  ])('refuses production with %s, in one line', (_label, env, message) => {
    const withUnset = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value || undefined]));
    expect(problem(() => production(withUnset as Record<string, string>))).toMatch(message);
  });

  it.each([
    ['an app without a secret', [app({ secret: undefined })], /every app needs its secret/],
    ['an unknown app type', [app({ type: 'mini-game' })], /type must be one of miniprogram, official_account, website/],
    ['a malformed appid', [app({ appid: 'abc' })], /appid/],
    ['two apps with one key', [app({}), app({ appid: 'wx1234567890abcdee' })], /app keys must be unique/],
    ['a field we do not know', [app({ colour: 'green' })], /colour/],
  ])('refuses %s', (_label, apps, message) => {
    expect(problem(() => loadAppConfig({ WECHAT_APPS: JSON.stringify(apps) }))).toMatch(message);
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
