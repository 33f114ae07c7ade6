import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ThrottleSignIn } from '../../throttling/credential-throttler.guard';
import { clientInfo } from '../../core/client-info';
import { Public } from '../../tokens/decorators/public.decorator';
import { TokenPair } from '../../sessions/token-pair';
import { LoginTicketService } from './login-ticket.service';
import { RedeemTicketDto } from './ticket.dto';
import { FollowsApiConventions } from '../../core/http/http-conventions';

@ApiTags('sessions')
@FollowsApiConventions()
@Controller('auth/ticket')
export class TicketController {
  constructor(private readonly tickets: LoginTicketService) {}

  @Public()
  @Post()
  @ThrottleSignIn()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: TokenPair })
  redeem(@Body() body: RedeemTicketDto, @Req() request: Request): Promise<TokenPair> {
    return this.tickets.redeem(body.ticket, clientInfo(request));
  }
}
