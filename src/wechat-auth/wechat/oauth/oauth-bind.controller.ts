import { Body, Controller, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { clientInfo } from '../../core/client-info';
import { FollowsApiConventions } from '../../core/http/http-conventions';
import type { HttpRequest } from '../../core/http/http-request';
import { LoginTicketService } from '../../login/tickets/login-ticket.service';
import { ThrottleSignIn } from '../../throttling/credential-throttler.guard';
import { AuthUser } from '../../tokens/auth-user';
import { CurrentUser } from '../../tokens/decorators/current-user.decorator';
import { AccountView } from '../../users/account-view.service';
import { UserView } from '../../users/user.view';
import { BindUrlView, ConfirmBindDto, StartBindDto } from './oauth-bind.dto';
import { OAuthLoginService } from './oauth-login.service';

/**
 * A signed-in person binds their Official Account or website identity: the
 * authorize URL carries a state good only for their session, the callback
 * hands back a bind ticket, and only that session's confirmation binds.
 */
@ApiTags('official account and website')
@ApiBearerAuth()
@FollowsApiConventions()
@Controller()
export class OAuthBindController {
  constructor(
    private readonly oauth: OAuthLoginService,
    private readonly tickets: LoginTicketService,
    private readonly accounts: AccountView,
  ) {}

  @Post('auth/wechat/oauth/:app/bind')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: BindUrlView })
  start(@Param('app') app: string, @Body() body: StartBindDto, @CurrentUser() caller: AuthUser, @Req() request: HttpRequest): BindUrlView {
    return { url: this.oauth.authorizeUrl(app, body, request.url, { bindSessionId: caller.sessionId }) };
  }

  @Post('auth/bind/confirm')
  @HttpCode(200)
  @ThrottleSignIn()
  @ApiOkResponse({ type: UserView })
  async confirm(@Body() body: ConfirmBindDto, @CurrentUser() caller: AuthUser, @Req() request: HttpRequest): Promise<UserView> {
    await this.tickets.confirmBind(caller, body.bindTicket, clientInfo(request));
    return this.accounts.of(caller.id);
  }
}
