import { resolveWechatAuthConfig, WechatAuthModuleOptions, WechatAuthOptionsError } from '../../src/wechat-auth';

const VALID: WechatAuthModuleOptions = {
  apps: [{ key: 'shop', type: 'miniprogram', appid: 'wx1234567890abcdef', secret: 'f'.repeat(32) }],
  jwt: { secret: 'r8Kx2mQ9vLp4Wn7Zt1Yc6Hb3Jd5Fg0Se' },
  dataEncryption: { key: Buffer.alloc(32, 9).toString('base64') },
  publicBaseUrl: 'https://api.shop.example/',
};

function refusal(options: unknown): string {
  try {
    resolveWechatAuthConfig(options as WechatAuthModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WechatAuthOptionsError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected the options to be refused');
}

describe('WechatAuthModule options', () => {
  it('fills in the documented defaults', () => {
    const config = resolveWechatAuthConfig(VALID);
    expect(config.auth).toMatchObject({ issuer: 'wechat-auth', audience: 'wechat-auth', accessTtlSeconds: 900, refreshTtlSeconds: 2_592_000, refreshGraceSeconds: 10 });
    expect(config.wechat).toMatchObject({ apiBaseUrl: 'https://api.weixin.qq.com', openBaseUrl: 'https://open.weixin.qq.com', timeoutMs: 5000, maxRetries: 2 });
    expect(config.retention).toEqual({ maxSessionsPerUserPerApp: 10, endedSessionsGraceDays: 7, loginEventsDays: 180, purgeIntervalSeconds: 3600, purgeBatchSize: 250 });
    expect(config.throttling).toMatchObject({ perIpPerMinute: 0, failuresPerIpPerMinute: 30, perCredentialPerMinute: 30 });
    expect(config.oauth.publicBaseUrl).toBe('https://api.shop.example');
    expect(config.oauth.stateSecret).not.toBe(VALID.jwt.secret);
    expect(config.dataEncryption.current.key).toHaveLength(32);
  });

  it('keeps previous keys after the current one, so tokens and sealed values survive a rotation', () => {
    const previous = Buffer.alloc(32, 1).toString('base64');
    const config = resolveWechatAuthConfig({
      ...VALID,
      jwt: { ...VALID.jwt, keyId: 'k2', previousKeys: [{ kid: 'k1', secret: 'old-secret-0123456789abcdefghijklmn' }] },
      dataEncryption: { ...VALID.dataEncryption, keyId: 'd2', previousKeys: [{ kid: 'd1', key: previous }] },
    });
    expect(config.auth.verificationKeys.map((key) => key.kid)).toEqual(['k2', 'k1']);
    expect(config.dataEncryption.keys.map((key) => key.kid)).toEqual(['d2', 'd1']);
  });

  it('takes a refresh grace window of 0 (off) to 60 seconds', () => {
    expect(resolveWechatAuthConfig({ ...VALID, jwt: { ...VALID.jwt, refreshGraceSeconds: 0 } }).auth.refreshGraceSeconds).toBe(0);
    expect(refusal({ ...VALID, jwt: { ...VALID.jwt, refreshGraceSeconds: 61 } })).toContain('jwt.refreshGraceSeconds');
  });

  it('names every problem in one line', () => {
    const message = refusal({
      ...VALID,
      apps: [],
      jwt: { secret: 'changeme' },
      dataEncryption: { key: 'short' },
      publicBaseUrl: 'ftp://x',
      frontendOrigins: ['https://shop.example/path'],
    });
    expect(message).toContain('apps: configure at least one app');
    expect(message).toContain('jwt.secret: must be at least 32 characters');
    expect(message).toContain('dataEncryption.key: must be 32 random bytes');
    expect(message).toContain('publicBaseUrl');
    expect(message).toContain('frontendOrigins.0');
  });

  it('refuses a placeholder secret, unknown fields and a throttler storage that is not one', () => {
    expect(refusal({ ...VALID, jwt: { secret: 'x'.repeat(40) } })).toContain('jwt.secret: is a placeholder');
    expect(refusal({ ...VALID, wechat: { apiBase: 'https://x' } })).toContain('wechat');
    expect(refusal({ ...VALID, throttling: { storage: {} } })).toContain('throttling.storage: must implement ThrottlerStorage');
  });

  it('takes a sign-up mode or a hook of the host, and refuses anything else', async () => {
    const candidate = {} as Parameters<ReturnType<typeof resolveWechatAuthConfig>['signUp']['decide']>[0];
    expect(await resolveWechatAuthConfig(VALID).signUp.decide(candidate)).toEqual({ action: 'create' });
    expect(await resolveWechatAuthConfig({ ...VALID, signUp: 'existing-only' }).signUp.decide(candidate)).toEqual({ action: 'refuse' });
    expect(await resolveWechatAuthConfig({ ...VALID, signUp: 'require-phone' }).signUp.decide(candidate)).toEqual({ action: 'require-phone' });
    const hook = { decide: () => ({ action: 'attach' as const, userId: 'u1' }) };
    expect(resolveWechatAuthConfig({ ...VALID, signUp: hook }).signUp).toBe(hook);
    expect(refusal({ ...VALID, signUp: 'invite-only' })).toContain('signUp: must be one of create, existing-only, require-phone');
  });

  it('never puts a secret into its message', () => {
    const secret = 'short-but-secret';
    expect(refusal({ ...VALID, jwt: { secret } })).not.toContain(secret);
  });
});
