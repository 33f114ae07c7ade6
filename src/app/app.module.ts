import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { GreetingsModule } from '../greetings/greetings.module';
import { NotesModule } from '../notes/notes.module';
import { DemoModule } from '../sandbox/demo/demo.module';
import { SandboxModule } from '../sandbox/sandbox.module';
import { WechatAuthModule } from '../wechat-auth';
import { AppConfig } from './config/app-config';
import { ClientAddressModule } from './client-address/client-address.module';
import { ConfigModule } from './config/config.module';
import { wechatAuthOptions } from './config/wechat-auth-options';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LoggerModule } from './logging/logger.module';

/** This repository's app: one host of the module among others, configured from the environment. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        WechatAuthModule.forRootAsync({ inject: [AppConfig], useFactory: wechatAuthOptions }),
        AdminModule.forRoot({ sandboxLogin: config.sandbox.mounted }),
        GreetingsModule,
        NotesModule,
        HealthModule,
        ClientAddressModule,
        ...(config.sandbox.mounted ? [SandboxModule] : []),
        ...(config.sandbox.enabled ? [DemoModule] : []),
      ],
    };
  }
}
