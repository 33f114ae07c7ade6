import { Module } from '@nestjs/common';
import { AppConfig } from '../app/config/app-config';
import { SandboxAppTokenController } from './sandbox-app-token.controller';
import { SandboxAppTokens } from './sandbox-app-tokens';
import { SandboxControlController } from './sandbox-control.controller';
import { SandboxFaults } from './sandbox-faults';
import { SandboxOAuthWorld } from './sandbox-oauth-world';
import { SandboxOAuthController } from './sandbox-oauth.controller';
import { SandboxPhoneController } from './sandbox-phone.controller';
import { SandboxPhones } from './sandbox-phones';
import { SandboxResponder } from './sandbox-responder';
import { SandboxWechatController } from './sandbox-wechat.controller';
import { SandboxWorld } from './sandbox-world';

/**
 * A faithful WeChat emulator for local runs and tests (WECHAT.md), at /sandbox.
 * It refuses to exist in production.
 */
@Module({
  controllers: [SandboxControlController, SandboxWechatController, SandboxOAuthController, SandboxAppTokenController, SandboxPhoneController],
  providers: [SandboxWorld, SandboxFaults, SandboxResponder, SandboxOAuthWorld, SandboxAppTokens, SandboxPhones],
})
export class SandboxModule {
  constructor(config: AppConfig) {
    if (config.env === 'production' || process.env.NODE_ENV === 'production') {
      throw new Error('The WeChat sandbox never runs in production: configure WECHAT_APPS with your real apps.');
    }
  }
}
