import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../../core/http/http-request';
import { ThrottleSignIn } from '../../throttling/credential-throttler.guard';
import { clientInfo } from '../../core/client-info';
import { Public } from '../../tokens/decorators/public.decorator';
import { TokenPair } from '../../sessions/token-pair';
import { AuthUser } from '../../tokens/auth-user';
import { CurrentUser } from '../../tokens/decorators/current-user.decorator';
import { HandOffTicket, LoginTicketService } from './login-ticket.service';
import { RedeemTicketDto } from './ticket.dto';
import { FollowsApiConventions } from '../../core/http/http-conventions';

class HandOffTicketView implements HandOffTicket {
  @ApiProperty({ description: 'One-time; trade it with POST /auth/ticket.' }) ticket: string;
  @ApiProperty({ example: 60 }) expiresIn: number;
}

@ApiTags('sessions')
@FollowsApiConventions()
@Controller('auth')
export class TicketController {
  constructor(private readonly tickets: LoginTicketService) {}

  @Public()
  @Post('ticket')
  @ThrottleSignIn()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: TokenPair })
  redeem(@Body() body: RedeemTicketDto, @Req() request: HttpRequest): Promise<TokenPair> {
    return this.tickets.redeem(body.ticket, clientInfo(request), body.verifier);
  }

  /** The web-view hand-off: a Mini Program opens its H5 page already signed in. */
  @Post('tickets')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOkResponse({ type: HandOffTicketView })
  handOff(@CurrentUser() caller: AuthUser): Promise<HandOffTicket> {
    return this.tickets.handOff(caller);
  }
}
