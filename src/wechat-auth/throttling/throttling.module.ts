import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../app/config/app-config';
import { CredentialThrottlerGuard, presentedCredential } from './credential-throttler.guard';
import { PostgresThrottlerStorage } from './postgres-throttler.storage';

const WINDOW_MS = 60_000;

@Module({ providers: [PostgresThrottlerStorage], exports: [PostgresThrottlerStorage] })
class ThrottlerStorageModule {}

/** Limits for sign-in routes (`@ThrottleSignIn()`), counted in PostgreSQL across instances. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [AppConfig, PostgresThrottlerStorage],
      useFactory: (config: AppConfig, storage: PostgresThrottlerStorage) => ({
        storage,
        throttlers: [
          { name: 'ip', ttl: WINDOW_MS, limit: config.throttling.perIpPerMinute },
          { name: 'credential', ttl: WINDOW_MS, limit: config.throttling.perCredentialPerMinute, getTracker: presentedCredential },
        ],
      }),
    }),
  ],
  providers: [CredentialThrottlerGuard],
  exports: [CredentialThrottlerGuard],
})
export class ThrottlingModule {}
