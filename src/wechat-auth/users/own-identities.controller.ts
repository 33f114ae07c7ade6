import { Controller, Delete, HttpCode, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../core/http/http-request';
import { clientInfo } from '../core/client-info';
import { AppError } from '../core/errors/app-error';
import { FollowsApiConventions } from '../core/http/http-conventions';
import { LoginEventsRepository } from '../login/login-events/login-events.repository';
import { AuthUser } from '../tokens/auth-user';
import { CurrentUser } from '../tokens/decorators/current-user.decorator';
import { IdentityUnbinder } from './identity-unbinder.service';

const NO_SUCH_IDENTITY = 'You have no WeChat identity with this id.';

/** A person lets go of one of the WeChat accounts they sign in with. */
@ApiTags('account')
@ApiBearerAuth()
@FollowsApiConventions()
@Controller('auth/me/identities')
export class OwnIdentitiesController {
  constructor(
    private readonly unbinder: IdentityUnbinder,
    private readonly events: LoginEventsRepository,
  ) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Unbound; the sessions opened through that app end. The last identity cannot be unbound (409 last_identity).' })
  async unbind(
    @CurrentUser() caller: AuthUser,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new AppError('not_found', NO_SUCH_IDENTITY) })) id: string,
    @Req() request: HttpRequest,
  ): Promise<void> {
    const unbound = await this.unbinder.unbind(caller.id, id, true);
    if (!unbound) throw new AppError('not_found', NO_SUCH_IDENTITY);
    const client = clientInfo(request);
    await this.events.record({
      userId: caller.id,
      kind: 'identity_unbound',
      appKey: unbound.appKey,
      result: 'success',
      ip: client.ip,
      userAgent: client.userAgent,
      detail: { identityId: id, revoked: unbound.revokedSessions },
    });
  }
}
