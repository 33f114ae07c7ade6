import { Module } from '@nestjs/common';
import { AuthModule } from '../auth.module';
import { UsersModule } from '../users/users.module';
import { AppAccessTokenRepository } from './access-token/app-access-token.repository';
import { AppAccessTokens } from './access-token/app-access-tokens.service';
import { WechatApiClient } from './api/wechat-api.client';
import { WechatAppRegistry } from './apps/wechat-app-registry';
import { CodeExchangeRepository } from './code-exchange/code-exchange.repository';
import { CodeExchangeService } from './code-exchange/code-exchange.service';
import { MiniProgramDataController } from './miniprogram/miniprogram-data.controller';
import { MiniProgramDataService } from './miniprogram/miniprogram-data.service';
import { MiniProgramController } from './miniprogram/miniprogram.controller';
import { MiniProgramStrategy } from './miniprogram/miniprogram.strategy';
import { OAuthLoginService } from './oauth/oauth-login.service';
import { OAuthStateSigner } from './oauth/oauth-state';
import { OAuthController } from './oauth/oauth.controller';
import { ReturnToPolicy } from './oauth/return-to';
import { WechatOAuthStrategy } from './oauth/wechat-oauth.strategy';

/** WeChat's login flows: each trades what WeChat gave the frontend for a verified identity, then signs in. */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [MiniProgramController, MiniProgramDataController, OAuthController],
  providers: [
    WechatAppRegistry,
    WechatApiClient,
    CodeExchangeRepository,
    CodeExchangeService,
    MiniProgramStrategy,
    OAuthStateSigner,
    ReturnToPolicy,
    OAuthLoginService,
    WechatOAuthStrategy,
    AppAccessTokenRepository,
    AppAccessTokens,
    MiniProgramDataService,
  ],
  exports: [WechatAppRegistry, WechatApiClient, AppAccessTokens],
})
export class WechatModule {}
