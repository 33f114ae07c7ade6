import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../tokens/decorators/public.decorator';
import { TokenPair } from '../../sessions/token-pair';
import { CredentialThrottlerGuard } from '../../throttling/credential-throttler.guard';
import { MiniProgramLoginDto } from './miniprogram-login.dto';
import { MINIPROGRAM_STRATEGY } from './miniprogram.strategy';
import { FollowsApiConventions } from '../../core/http/http-conventions';

@ApiTags('mini program')
@FollowsApiConventions()
@Controller('auth/wechat/miniprogram')
export class MiniProgramController {
  /** The strategy has already validated the body and signed the user in. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(CredentialThrottlerGuard, AuthGuard(MINIPROGRAM_STRATEGY))
  @ApiBody({ type: MiniProgramLoginDto })
  @ApiOkResponse({ type: TokenPair })
  login(@Req() request: Request & { user: TokenPair }): TokenPair {
    return request.user;
  }
}
