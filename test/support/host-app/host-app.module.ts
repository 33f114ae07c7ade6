import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WECHAT_AUTH_ENTITIES, WECHAT_AUTH_MIGRATIONS, WechatAuthModule, WechatAuthModuleOptions } from '../../../src/wechat-auth';
import { DEMO_APPS } from '../../../src/sandbox/demo-apps';
import { HostOrder, HostOrders1799000000000, OrdersModule } from './orders';
import { HostAccountsModule, HostSignUpRules, HostSignUpRulesModule } from './accounts';

export const HOST_CONNECTION = 'host';

export interface HostSettings {
  databaseUrl: string;
  sandboxUrl: string;
  publicBaseUrl: string;
}

/**
 * A team's own Nest app, nothing of this repository's app: its own config
 * source, a named TypeORM connection running the module's migrations with its
 * own, its own throttler and a feature module with rows per user.
 */
export function hostAppModule(settings: HostSettings) {
  const wechatAuthSettings = registerAs('wechatAuth', (): WechatAuthModuleOptions => ({
    apps: DEMO_APPS.map((app) => ({ ...app })),
    jwt: { secret: 'host-app-jwt-secret-0123456789abcdefghij' },
    dataEncryption: { key: Buffer.alloc(32, 7).toString('base64') },
    publicBaseUrl: settings.publicBaseUrl,
    wechat: { apiBaseUrl: settings.sandboxUrl, openBaseUrl: settings.sandboxUrl, timeoutMs: 2000 },
  }));

  @Module({
    imports: [
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [wechatAuthSettings] }),
      TypeOrmModule.forRoot({
        name: HOST_CONNECTION,
        type: 'postgres',
        url: settings.databaseUrl,
        entities: [...WECHAT_AUTH_ENTITIES, HostOrder],
        migrations: [...WECHAT_AUTH_MIGRATIONS, HostOrders1799000000000],
        migrationsRun: true,
      }),
      ThrottlerModule.forRoot([{ ttl: 60_000, limit: 1000 }]),
      WechatAuthModule.forRootAsync({
        imports: [ConfigModule, HostSignUpRulesModule],
        inject: [ConfigService, HostSignUpRules],
        // The host's own provider decides who may sign up with WeChat.
        useFactory: (config: ConfigService, signUp: HostSignUpRules) => ({ ...config.getOrThrow<WechatAuthModuleOptions>('wechatAuth'), signUp }),
        dataSourceName: HOST_CONNECTION,
      }),
      OrdersModule,
      HostAccountsModule,
    ],
    providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
  })
  class HostAppModule {}

  return HostAppModule;
}
