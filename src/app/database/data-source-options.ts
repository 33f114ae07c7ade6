import { DataSourceOptions } from 'typeorm';
import { LoginEvent } from '../../wechat-auth/login/login-events/login-event.entity';
import { RefreshToken } from '../../wechat-auth/sessions/refresh-token.entity';
import { Session } from '../../wechat-auth/sessions/session.entity';
import { User } from '../../wechat-auth/users/entities/user.entity';
import { WechatIdentity } from '../../wechat-auth/users/entities/wechat-identity.entity';
import { LoginTicket } from '../../wechat-auth/login/tickets/login-ticket.entity';
import { AppAccessToken } from '../../wechat-auth/wechat/access-token/app-access-token.entity';
import { CodeExchange } from '../../wechat-auth/wechat/code-exchange/code-exchange.entity';
import { InitialSchema1763700000000 } from '../../wechat-auth/migrations/1763700000000-initial-schema';
import { OauthAndCodeExchange1763800000000 } from '../../wechat-auth/migrations/1763800000000-oauth-and-code-exchange';
import { SessionKeysAndAppTokens1763900000000 } from '../../wechat-auth/migrations/1763900000000-session-keys-and-app-tokens';
import { AdminConsole1764000000000 } from '../../wechat-auth/migrations/1764000000000-admin-console';
import { RateLimits1764100000000 } from '../../wechat-auth/migrations/1764100000000-rate-limits';

export const ENTITIES = [User, WechatIdentity, Session, RefreshToken, LoginEvent, CodeExchange, LoginTicket, AppAccessToken];
export const MIGRATIONS = [
  InitialSchema1763700000000,
  OauthAndCodeExchange1763800000000,
  SessionKeysAndAppTokens1763900000000,
  AdminConsole1764000000000,
  RateLimits1764100000000,
];

/** The one description of our database, shared by the app, the migration script and the TypeORM CLI. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    uuidExtension: 'pgcrypto',
    // The schema changes only through migrations, never from entity metadata.
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: 10,
      connectionTimeoutMillis: 3000,
      // A query that hangs (database paused, network gone) must fail rather than hold a request forever.
      query_timeout: 10_000,
    },
  };
}
