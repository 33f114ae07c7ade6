import { Module } from '@nestjs/common';
import { AuthModule } from '../wechat-auth/auth.module';
import { UsersModule } from '../wechat-auth/users/users.module';
import { AdminPageController } from './admin-page.controller';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';

/** The admin API (role `admin`) and the page at /admin that uses it. */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [AdminPageController, AdminUsersController],
  providers: [AdminUsersRepository, AdminUsersService],
})
export class AdminModule {}
