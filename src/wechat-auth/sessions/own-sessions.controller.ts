import { Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppError } from '../core/errors/app-error';
import { FollowsApiConventions } from '../core/http/http-conventions';
import { AuthUser } from '../tokens/auth-user';
import { CurrentUser } from '../tokens/decorators/current-user.decorator';
import { SessionService } from './session.service';
import { SessionList } from './session.view';

/** Where the caller is signed in, and ending any or all of it ("log out everywhere"). */
@ApiTags('sessions')
@ApiBearerAuth()
@FollowsApiConventions()
@Controller('auth')
export class OwnSessionsController {
  constructor(private readonly sessions: SessionService) {}

  @Get('sessions')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: SessionList })
  async list(@CurrentUser() caller: AuthUser): Promise<SessionList> {
    const sessions = await this.sessions.listOwn(caller);
    return { items: sessions.map(({ appKey, ...session }) => ({ ...session, app: appKey })) };
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session ends at once on every instance, like a logout.' })
  async end(
    @CurrentUser() caller: AuthUser,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new AppError('not_found', 'You have no active session with this id.') })) id: string,
  ): Promise<void> {
    await this.sessions.endOwn(caller, id);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every session of the caller ends, the current one included.' })
  async logoutAll(@CurrentUser() caller: AuthUser): Promise<void> {
    await this.sessions.revokeUserSessions(caller.id, 'logout_all');
  }
}
