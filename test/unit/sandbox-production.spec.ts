import { loadAppConfig } from '../../src/app/config/app-config';
import { SandboxModule } from '../../src/sandbox/sandbox.module';

describe('the sandbox in production', () => {
  it('refuses to exist when NODE_ENV is production', () => {
    const config = { ...loadAppConfig({ NODE_ENV: 'test' }), env: 'production' as const };
    expect(() => new SandboxModule(config)).toThrow(/never runs in production/);
  });

  it('is not even configured in production: real apps are required', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(8) + 'Zq9!xY2#aB7$cD4%eF6^gH8&' })).toThrow(
      /WECHAT_APPS must be set in production/,
    );
  });
});
