import { LoginEvent } from './login/login-events/login-event.entity';
import { LoginTicket } from './login/tickets/login-ticket.entity';
import { InitialSchema1763700000000 } from './migrations/1763700000000-initial-schema';
import { OauthAndCodeExchange1763800000000 } from './migrations/1763800000000-oauth-and-code-exchange';
import { SessionKeysAndAppTokens1763900000000 } from './migrations/1763900000000-session-keys-and-app-tokens';
import { AdminConsole1764000000000 } from './migrations/1764000000000-admin-console';
import { RateLimits1764100000000 } from './migrations/1764100000000-rate-limits';
import { RefreshGenerations1764200000000 } from './migrations/1764200000000-refresh-generations';
import { SessionExpiryIndex1764300000000 } from './migrations/1764300000000-session-expiry-index';
import { RefreshToken } from './sessions/refresh-token.entity';
import { Session } from './sessions/session.entity';
import { User } from './users/entities/user.entity';
import { WechatIdentity } from './users/entities/wechat-identity.entity';
import { AppAccessToken } from './wechat/access-token/app-access-token.entity';
import { CodeExchange } from './wechat/code-exchange/code-exchange.entity';

/** The module's tables, for the host's TypeORM `entities`. */
export const WECHAT_AUTH_ENTITIES = [User, WechatIdentity, Session, RefreshToken, LoginEvent, CodeExchange, LoginTicket, AppAccessToken];

/** The module's schema, for the host's TypeORM `migrations` (run before any migration of the host that references `users`). */
export const WECHAT_AUTH_MIGRATIONS = [
  InitialSchema1763700000000,
  OauthAndCodeExchange1763800000000,
  SessionKeysAndAppTokens1763900000000,
  AdminConsole1764000000000,
  RateLimits1764100000000,
  RefreshGenerations1764200000000,
  SessionExpiryIndex1764300000000,
];
