import { Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../wechat-auth/tokens/auth-user';
import { CurrentUser } from '../wechat-auth/tokens/decorators/current-user.decorator';
import { Roles } from '../wechat-auth/tokens/decorators/roles.decorator';
import { AppError } from '../wechat-auth/core/errors/app-error';
import { clientInfo, HttpRequest } from '../wechat-auth';
import { ListUsersQuery } from './admin-users.dto';
import { AdminAction, AdminUsersService } from './admin-users.service';
import { AdminUserDetail, AdminUserPage, AdminUserView } from './admin-users.view';

class RevokedSessions {
  @ApiProperty() revoked: number;
}

/** A path id that is not a uuid names no user. */
const Id = (name: string) => Param(name, new ParseUUIDPipe({ exceptionFactory: () => new AppError('not_found') }));

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/api/users')
export class AdminUsersController {
  constructor(private readonly admin: AdminUsersService) {}

  @Get()
  @ApiOkResponse({ type: AdminUserPage })
  list(@Query() query: ListUsersQuery): Promise<AdminUserPage> {
    return this.admin.list(query);
  }

  @Get(':id')
  // The whole phone number: no cache may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: AdminUserDetail })
  detail(@Id('id') id: string): Promise<AdminUserDetail> {
    return this.admin.detail(id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminUserView, description: "The user, disabled; its tokens are refused at once on every instance." })
  disable(@Id('id') id: string, @CurrentUser() admin: AuthUser, @Req() request: HttpRequest): Promise<AdminUserView> {
    return this.admin.setDisabled(action(admin, request), id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminUserView })
  enable(@Id('id') id: string, @CurrentUser() admin: AuthUser, @Req() request: HttpRequest): Promise<AdminUserView> {
    return this.admin.setDisabled(action(admin, request), id, false);
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedSessions })
  revokeSessions(@Id('id') id: string, @CurrentUser() admin: AuthUser, @Req() request: HttpRequest): Promise<RevokedSessions> {
    return this.admin.revokeSessions(action(admin, request), id);
  }

  @Delete(':id/identities/:identityId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The identity is unbound; the sessions opened through its app end.' })
  async unbind(@Id('id') id: string, @Id('identityId') identityId: string, @CurrentUser() admin: AuthUser, @Req() request: HttpRequest): Promise<void> {
    await this.admin.unbindIdentity(action(admin, request), id, identityId);
  }
}

function action(admin: AuthUser, request: HttpRequest): AdminAction {
  return { admin, client: clientInfo(request) };
}
