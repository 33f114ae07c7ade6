/**
 * The public API of the wechat-auth module: what a host app imports. Anything
 * not exported here is internal and may change.
 */
export { WechatAuthModule, WECHAT_AUTH_OPTIONS } from './wechat-auth.module';
export type { WechatAuthModuleOptions, WechatAuthModuleExtras } from './options/wechat-auth-options';
export { WechatAuthConfig, WechatAuthOptionsError, resolveWechatAuthConfig } from './options/wechat-auth-config';
export type { DataKey, SigningKey } from './options/wechat-auth-config';
export { WECHAT_AUTH_ENTITIES, WECHAT_AUTH_MIGRATIONS } from './schema';

// Guards and decorators for the host's own modules.
export { AccessTokenGuard } from './tokens/guards/access-token.guard';
export { RolesGuard } from './tokens/guards/roles.guard';
export { Public, IS_PUBLIC } from './tokens/decorators/public.decorator';
export { Roles, REQUIRED_ROLES } from './tokens/decorators/roles.decorator';
export { CurrentUser } from './tokens/decorators/current-user.decorator';
export type { AuthUser } from './tokens/auth-user';

// The error contract (API.md) for routes of the host that want the same shape.
export { AppError } from './core/errors/app-error';
export { ERROR_CODES } from './core/errors/error-codes';
export type { ErrorCode } from './core/errors/error-codes';
export { AllExceptionsFilter } from './core/http/all-exceptions.filter';
export { toErrorResponse } from './core/http/error-response';
export { createValidationPipe } from './core/http/validation';
export type { HttpRequest } from './core/http/http-request';
export { clientInfo } from './core/client-info';
export { WECHAT_AUTH_DATA_SOURCE, InjectWechatAuthDataSource } from './core/data-source';

// The user lifecycle, for the host's modules that keep rows per user.
export { OnUserCreated, OnIdentityBound, OnUsersMerged, OnUserDisabled, OnUserEnabled, OnUserDeleted } from './lifecycle/user-lifecycle.decorators';
export type {
  UserCreatedEvent,
  IdentityBoundEvent,
  UsersMergedEvent,
  UserStatusChangedEvent,
  UserDeletedEvent,
} from './lifecycle/user-lifecycle.events';

// Users and their WeChat identities.
export { User } from './users/entities/user.entity';
export type { UserStatus } from './users/entities/user.entity';
export { WechatIdentity } from './users/entities/wechat-identity.entity';
export { UsersRepository } from './users/users.repository';
export { UserAccounts } from './users/user-accounts.service';
export type { NewHostUser } from './users/user-accounts.service';
export { SIGN_UP_MODES } from './users/sign-up-policy';
export type { SignUpPolicy, SignUpMode, SignUpHook, SignUpCandidate, SignUpDecision } from './users/sign-up-policy';
export type { TokenPair } from './sessions/token-pair';
export type { SignUpPending } from './login/sign-up/signup-tickets.service';
export type { AvatarStorage, StoredAvatarRequest } from './avatars/avatar-storage';
export { IdentityUnbinder } from './users/identity-unbinder.service';
export type { UnbindResult } from './users/identity-unbinder.service';
export { UserStatusService } from './sessions/user-status.service';
export { SessionService } from './sessions/session.service';
export { LoginEventsRepository } from './login/login-events/login-events.repository';
export { LoginStatisticsService } from './login/statistics/login-statistics.service';
export type { SignInDay, SignInStatistics } from './login/statistics/login-statistics.service';
export { RetentionPurge } from './retention/retention-purge.service';
export type { PurgeReport } from './retention/retention-purge.service';

// WeChat itself, for host modules that call other WeChat APIs.
export { WECHAT_APP_TYPES } from './wechat/apps/wechat-app';
export type { WechatApp, WechatAppType } from './wechat/apps/wechat-app';
export { WechatAppRegistry } from './wechat/apps/wechat-app-registry';
export { WechatApiClient } from './wechat/api/wechat-api.client';
export { AppAccessTokens } from './wechat/access-token/app-access-tokens.service';
export { SessionKeySignatures } from './wechat/miniprogram/session-key-signatures.service';
export type { UserStateSignature } from './wechat/miniprogram/session-key-signatures.service';
