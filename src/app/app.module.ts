import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AuthModule } from '../wechat-auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from '../sandbox/demo/demo.module';
import { GreetingsModule } from '../greetings/greetings.module';
import { HealthModule } from './health/health.module';
import { LoggerModule } from './logging/logger.module';
import { SandboxModule } from '../sandbox/sandbox.module';
import { ThrottlingModule } from '../wechat-auth/throttling/throttling.module';
import { UsersModule } from '../wechat-auth/users/users.module';
import { WechatModule } from '../wechat-auth/wechat/wechat.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        ThrottlingModule,
        UsersModule,
        AuthModule,
        WechatModule,
        AdminModule,
        GreetingsModule,
        HealthModule,
        ...(config.sandbox.mounted ? [SandboxModule] : []),
        ...(config.sandbox.enabled ? [DemoModule] : []),
      ],
    };
  }
}
