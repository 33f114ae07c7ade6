import { DynamicModule, Module } from '@nestjs/common';
import { AdminPageController } from './admin-page.controller';
import { AdminStatsController } from './admin-stats.controller';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';
import { ADMIN_OPTIONS, AdminOptions } from './admin-options';

/** The admin API (role `admin`) and the page at /admin that uses it. Needs `WechatAuthModule` imported once in the app. */
@Module({})
export class AdminModule {
  static forRoot(options: AdminOptions = {}): DynamicModule {
    return {
      module: AdminModule,
      controllers: [AdminPageController, AdminUsersController, AdminStatsController],
      providers: [AdminUsersRepository, AdminUsersService, { provide: ADMIN_OPTIONS, useValue: options }],
    };
  }
}
