import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WechatApiClient } from './api/wechat-api.client';
import { WechatAppRegistry } from './apps/wechat-app-registry';
import { CodeExchangeRepository } from './code-exchange/code-exchange.repository';
import { CodeExchangeService } from './code-exchange/code-exchange.service';
import { MiniProgramController } from './miniprogram/miniprogram.controller';
import { MiniProgramStrategy } from './miniprogram/miniprogram.strategy';
import { OAuthLoginService } from './oauth/oauth-login.service';
import { OAuthStateSigner } from './oauth/oauth-state';
import { OAuthController } from './oauth/oauth.controller';
import { ReturnToPolicy } from './oauth/return-to';
import { WechatOAuthStrategy } from './oauth/wechat-oauth.strategy';

/** WeChat's login flows: each trades what WeChat gave the frontend for a verified identity, then signs in. */
@Module({
  imports: [AuthModule],
  controllers: [MiniProgramController, OAuthController],
  providers: [WechatAppRegistry, WechatApiClient, CodeExchangeRepository, CodeExchangeService, MiniProgramStrategy, OAuthStateSigner, ReturnToPolicy, OAuthLoginService, WechatOAuthStrategy],
  exports: [WechatAppRegistry, WechatApiClient],
})
export class WechatModule {}
