import { ConfigurableModuleBuilder, Module, Provider } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DataCipher } from './core/crypto/data-cipher';
import { WECHAT_AUTH_DATA_SOURCE } from './core/data-source';
import { AllExceptionsFilter } from './core/http/all-exceptions.filter';
import { LoginEventsRepository } from './login/login-events/login-events.repository';
import { LoginService } from './login/login.service';
import { LoginTicketService } from './login/tickets/login-ticket.service';
import { LoginTicketsRepository } from './login/tickets/login-tickets.repository';
import { TicketController } from './login/tickets/ticket.controller';
import { resolveWechatAuthConfig, WechatAuthConfig } from './options/wechat-auth-config';
import { WechatAuthModuleExtras, WechatAuthModuleOptions } from './options/wechat-auth-options';
import { SessionService } from './sessions/session.service';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsRepository } from './sessions/sessions.repository';
import { UserStatusRepository } from './sessions/user-status.repository';
import { UserStatusService } from './sessions/user-status.service';
import { CredentialThrottlerGuard, SIGN_IN_THROTTLER_STORAGE } from './throttling/credential-throttler.guard';
import { PostgresThrottlerStorage } from './throttling/postgres-throttler.storage';
import { StatementRunner } from './core/statements';
import { SignInFailures } from './throttling/sign-in-failures';
import { RefreshTokenCodec } from './sessions/refresh-token-codec';
import { RetentionPurge } from './retention/retention-purge.service';
import { RetentionRepository } from './retention/retention.repository';
import { AccessTokenService } from './tokens/access-token.service';
import { AccessTokenGuard } from './tokens/guards/access-token.guard';
import { RolesGuard } from './tokens/guards/roles.guard';
import { RevocationList } from './tokens/revocation/revocation-list';
import { RevocationListener } from './tokens/revocation/revocation.listener';
import { IdentityLinker } from './users/identity-linker.service';
import { IdentityUnbinder } from './users/identity-unbinder.service';
import { IdentityRepository } from './users/identity.repository';
import { SessionKeyRepository } from './users/session-key.repository';
import { UserProfileRepository } from './users/user-profile.repository';
import { UsersRepository } from './users/users.repository';
import { AppAccessTokenRepository } from './wechat/access-token/app-access-token.repository';
import { AppAccessTokens } from './wechat/access-token/app-access-tokens.service';
import { WechatApiClient } from './wechat/api/wechat-api.client';
import { WechatAppRegistry } from './wechat/apps/wechat-app-registry';
import { CodeExchangeRepository } from './wechat/code-exchange/code-exchange.repository';
import { CodeExchangeService } from './wechat/code-exchange/code-exchange.service';
import { MiniProgramDataController } from './wechat/miniprogram/miniprogram-data.controller';
import { MiniProgramDataService } from './wechat/miniprogram/miniprogram-data.service';
import { MiniProgramController } from './wechat/miniprogram/miniprogram.controller';
import { MiniProgramStrategy } from './wechat/miniprogram/miniprogram.strategy';
import { OAuthLoginService } from './wechat/oauth/oauth-login.service';
import { OAuthIdentityService } from './wechat/oauth/oauth-identity.service';
import { MobileAppController } from './wechat/mobile-app/mobile-app.controller';
import { MobileAppStrategy } from './wechat/mobile-app/mobile-app.strategy';
import { OwnSessionsController } from './sessions/own-sessions.controller';
import { UserLifecycle } from './lifecycle/user-lifecycle.service';
import { GatewayGuards } from './tokens/guards/gateway-guards';
import { OAuthBindController } from './wechat/oauth/oauth-bind.controller';
import { BindTicketsRepository } from './login/tickets/bind-tickets.repository';
import { MiniProgramIdentityService } from './wechat/miniprogram/miniprogram-identity.service';
import { MiniProgramBinding } from './wechat/miniprogram/miniprogram-binding.service';
import { IdentityBinder } from './users/identity-binder.service';
import { AccountDeletion } from './users/account-deletion.service';
import { AccountView } from './users/account-view.service';
import { OwnProfile } from './users/own-profile.service';
import { SessionKeySignatures } from './wechat/miniprogram/session-key-signatures.service';
import { OwnIdentitiesController } from './users/own-identities.controller';
import { UserAccounts } from './users/user-accounts.service';
import { AvatarBodies } from './avatars/avatar-bodies';
import { AVATAR_STORAGE } from './avatars/avatar-storage';
import { AvatarsController } from './avatars/avatars.controller';
import { AvatarsLifecycle } from './avatars/avatars-lifecycle';
import { AvatarsRepository } from './avatars/avatars.repository';
import { OwnAvatar } from './avatars/own-avatar.service';
import { PostgresAvatarStorage } from './avatars/postgres-avatar.storage';
import { PhoneSignUp } from './login/sign-up/phone-sign-up.service';
import { SignUpController } from './login/sign-up/sign-up.controller';
import { SignupTickets } from './login/sign-up/signup-tickets.service';
import { SignupTicketsRepository } from './login/sign-up/signup-tickets.repository';
import { LoginStatisticsRepository } from './login/statistics/login-statistics.repository';
import { LoginStatisticsService } from './login/statistics/login-statistics.service';
import { OAuthStateSigner } from './wechat/oauth/oauth-state';
import { OAuthController, OAuthEntryController } from './wechat/oauth/oauth.controller';
import { ReturnToPolicy } from './wechat/oauth/return-to';
import { WechatOAuthStrategy } from './wechat/oauth/wechat-oauth.strategy';

/** Closed by default: every route, resolver and gateway of the app needs an access token unless `@Public()`. */
const GLOBAL_GUARDS: Provider[] = [
  { provide: APP_GUARD, useExisting: AccessTokenGuard },
  { provide: APP_GUARD, useExisting: RolesGuard },
  GatewayGuards,
];

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<WechatAuthModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<WechatAuthModuleExtras>({ globalGuards: true }, (definition, extras) => ({
    ...definition,
    // Global, so feature modules inject the exported services and the guards find the token service without importing anything.
    global: true,
    providers: [
      ...(definition.providers ?? []),
      { provide: WECHAT_AUTH_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSourceName) },
      ...(extras.globalGuards ? GLOBAL_GUARDS : []),
    ],
  }))
  .build();

export { MODULE_OPTIONS_TOKEN as WECHAT_AUTH_OPTIONS };

const AVATAR_STORAGE_PROVIDER: Provider = {
  provide: AVATAR_STORAGE,
  inject: [WechatAuthConfig, AvatarsRepository],
  useFactory: (config: WechatAuthConfig, avatars: AvatarsRepository) => config.avatarStorage ?? new PostgresAvatarStorage(avatars),
};

const STATEMENT_RUNNER: Provider = {
  provide: StatementRunner,
  inject: [WECHAT_AUTH_DATA_SOURCE, WechatAuthConfig],
  useFactory: (dataSource: DataSource, config: WechatAuthConfig) => new StatementRunner(dataSource, config.database.preparedStatements),
};

const SIGN_IN_STORAGE: Provider = {
  provide: SIGN_IN_THROTTLER_STORAGE,
  inject: [WechatAuthConfig, StatementRunner],
  useFactory: (config: WechatAuthConfig, sql: StatementRunner) => config.throttling.storage ?? new PostgresThrottlerStorage(sql),
};

/**
 * WeChat sign-in for a whole Nest app: the login endpoints (Mini Program,
 * Official Account, website), sessions and refresh, and the guards and
 * decorators the host's other modules use. Import it once with `forRoot` or
 * `forRootAsync`; it works in the host's TypeORM connection, whose
 * migrations list must include `WECHAT_AUTH_MIGRATIONS`.
 */
@Module({
  imports: [PassportModule, DiscoveryModule],
  controllers: [AvatarsController, SignUpController, SessionsController, OwnSessionsController, OwnIdentitiesController, TicketController, MiniProgramController, MiniProgramDataController, OAuthController, OAuthEntryController, OAuthBindController, MobileAppController],
  providers: [
    { provide: WechatAuthConfig, inject: [MODULE_OPTIONS_TOKEN], useFactory: resolveWechatAuthConfig },
    STATEMENT_RUNNER,
    SIGN_IN_STORAGE,
    AVATAR_STORAGE_PROVIDER,
    AvatarsRepository,
    AvatarBodies,
    AvatarsLifecycle,
    OwnAvatar,
    AllExceptionsFilter,
    DataCipher,
    IdentityRepository,
    IdentityLinker,
    UserLifecycle,
    IdentityUnbinder,
    AccountDeletion,
    AccountView,
    OwnProfile,
    UsersRepository,
    SessionKeyRepository,
    UserProfileRepository,
    AccessTokenService,
    AccessTokenGuard,
    RolesGuard,
    RevocationList,
    RevocationListener,
    SessionsRepository,
    SessionService,
    RefreshTokenCodec,
    RetentionRepository,
    RetentionPurge,
    UserStatusRepository,
    UserStatusService,
    LoginEventsRepository,
    LoginService,
    LoginTicketsRepository,
    BindTicketsRepository,
    LoginTicketService,
    SignupTicketsRepository,
    SignupTickets,
    PhoneSignUp,
    UserAccounts,
    CredentialThrottlerGuard,
    SignInFailures,
    WechatAppRegistry,
    WechatApiClient,
    CodeExchangeRepository,
    CodeExchangeService,
    MiniProgramStrategy,
    MiniProgramIdentityService,
    MiniProgramBinding,
    IdentityBinder,
    MobileAppStrategy,
    OAuthStateSigner,
    ReturnToPolicy,
    OAuthLoginService,
    OAuthIdentityService,
    LoginStatisticsRepository,
    LoginStatisticsService,
    SessionKeySignatures,
    WechatOAuthStrategy,
    AppAccessTokenRepository,
    AppAccessTokens,
    MiniProgramDataService,
  ],
  exports: [
    WechatAuthConfig,
    WECHAT_AUTH_DATA_SOURCE,
    AccessTokenGuard,
    RolesGuard,
    AccessTokenService,
    SessionService,
    UserStatusService,
    LoginService,
    LoginTicketService,
    LoginEventsRepository,
    LoginStatisticsService,
    SessionKeySignatures,
    UsersRepository,
    UserAccounts,
    IdentityUnbinder,
    UserProfileRepository,
    SessionKeyRepository,
    DataCipher,
    WechatAppRegistry,
    WechatApiClient,
    AppAccessTokens,
    CredentialThrottlerGuard,
    SignInFailures,
    RetentionPurge,
    SIGN_IN_THROTTLER_STORAGE,
    AllExceptionsFilter,
  ],
})
export class WechatAuthModule extends ConfigurableModuleClass {}
